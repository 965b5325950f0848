package dev.proclab.model;

/**
 * mm_struct with its VMAs and page tables. A page-table entry is an int: 0 not present, 1 the
 * shared zero page (read-only), else frame << 1 | writable. Region 0 is the hidden page that holds
 * the lab's variables (the agent's table in its data segment).
 */
final class Mm {
    static final int PTE_NONE = 0, PTE_ZERO = 1;
    /**
     * VmPTE of an image before any lab region: what a fresh lab process showed on x86_64 Linux 6.18
     * (36 to 40 kB, as ASLR placed its libraries and stack). Only differences are compared.
     */
    static final long IMAGE_PTE_KB = 40;

    int users = 1;
    UserNs userNs = UserNs.INIT; // mm->user_ns: the namespace of whoever exec'd it (fork keeps it)
    boolean dumpable = true; // MMF_DUMPABLE: SUID_DUMP_USER, or cleared by a change of credentials
    int imageVmas;
    String[] regionNames = new String[2];
    int[][] ptes = new int[2][];
    int nRegions;
    String[] varNames;
    long[] varVals;
    int nVars;
    // anon_vma: the image's VMAs that have one, and how long their chains are (1 for a fresh image,
    // +1 with each fork: anon_vma_fork links the child's VMA to every anon_vma of the parent's, and to
    // a new one of its own); regionChain[r] the same for each region (0: no anon_vma yet)
    int imageAnon, imageChain = 1;
    int[] regionChain = new int[2];
    // its slab objects while tracing (Trace)
    long obj;
    final Trace.LongList vmaObjs = new Trace.LongList(), anonObjs = new Trace.LongList(), avcObjs = new Trace.LongList();

    /** anon_vma objects of this mm (one per VMA that has one). */
    int anonVmas() {
        int n = imageAnon;
        for (int r = 1; r < nRegions; r++) if (regionChain[r] > 0) n++;
        return n;
    }

    /** anon_vma_chain objects of this mm (one per anon_vma each VMA is linked to). */
    int anonChains() {
        int n = imageAnon * imageChain;
        for (int r = 1; r < nRegions; r++) n += regionChain[r];
        return n;
    }

    int vmaCount() {
        return imageVmas + nRegions - 1;
    }

    int region(String name) {
        for (int i = 1; i < nRegions; i++) if (regionNames[i].equals(name)) return i;
        return -1;
    }

    void addRegion(String name, int pages) {
        if (nRegions == regionNames.length) {
            regionNames = java.util.Arrays.copyOf(regionNames, nRegions * 2);
            ptes = java.util.Arrays.copyOf(ptes, nRegions * 2);
            regionChain = java.util.Arrays.copyOf(regionChain, nRegions * 2);
        }
        regionNames[nRegions] = name;
        ptes[nRegions] = new int[pages];
        nRegions++;
    }

    int var(String name) {
        for (int i = 0; i < nVars; i++) if (varNames[i].equals(name)) return i;
        return -1;
    }

    void setVar(String name, long v) {
        int i = var(name);
        if (i < 0) {
            if (varNames == null) {
                varNames = new String[4];
                varVals = new long[4];
            } else if (nVars == varNames.length) {
                varNames = java.util.Arrays.copyOf(varNames, nVars * 2);
                varVals = java.util.Arrays.copyOf(varVals, nVars * 2);
            }
            i = nVars++;
            varNames[i] = name;
        }
        varVals[i] = v;
    }
}

