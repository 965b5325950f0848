package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.PageRange;
import java.util.List;
import java.util.Map;

/**
 * mm/: an image's mm (exec_mmap), mmput, and page faults (do_anonymous_page, do_wp_page), with what
 * pagemap and kpagecount show of them.
 */
final class Memory {
    /** Entries of one page table of 4 KiB (x86_64, 4-level paging): 2 MiB per PTE page, 1 GiB per PMD page. */
    static final int PTRS_PER_TABLE = 512;

    private final World w;

    Memory(World w) {
        this.w = w;
    }

    /** A fresh mm for a new image (exec_mmap): the image's VMAs and the page of the lab's variables. */
    Mm newImageMm(boolean agentImage) {
        return newImageMm(agentImage, null);
    }

    /** A fresh mm (exec_mmap) made by {@code t}: mm_alloc, the image's VMAs, its anonymous ones' anon_vmas. */
    Mm newImageMm(boolean agentImage, Task t) {
        Mm m = new Mm();
        if (t != null) m.userNs = t.userNs; // bprm_mm_init → mm_alloc: current_user_ns()
        m.imageVmas = w.cfg.imageVmas();
        m.imageAnon = w.cfg.image().anonVmas();
        m.addRegion("", 1);
        if (agentImage) m.ptes[0][0] = w.frames.alloc() << 1 | 1;
        w.slab[C_MM]++;
        w.slab[C_VMA] += m.vmaCount();
        List<String> exec = List.of("kmem_cache_alloc", "mm_alloc", "bprm_mm_init", "do_execve", "sys_execve");
        m.obj = w.trace.alloc(t, Trace.MM, exec);
        for (int i = 0; i < m.imageVmas; i++) m.vmaObjs.add(w.trace.alloc(t, Trace.VMA, exec));
        for (int i = 0; i < m.imageAnon; i++) {
            m.anonObjs.add(w.trace.alloc(t, Trace.ANON_VMA, exec));
            m.avcObjs.add(w.trace.alloc(t, Trace.AVC, exec));
        }
        return m;
    }

    /** mmput → exit_mmap: when the last user goes, its pages and VMAs are freed. */
    void mmput(Mm m) {
        if (--m.users > 0) return;
        for (int r = 0; r < m.nRegions; r++) {
            int[] p = m.ptes[r];
            for (int pte : p) if (pte >= 2) w.frames.put(pte >>> 1);
        }
        w.slab[C_MM]--;
        w.slab[C_VMA] -= m.vmaCount();
        // exit_mmap: the VMAs, and unlink_anon_vmas their chains and anon_vmas; then __mmdrop the mm_struct
        w.trace.free(Trace.VMA, m.vmaObjs, m.vmaCount());
        w.trace.free(Trace.AVC, m.avcObjs, m.anonChains());
        w.trace.free(Trace.ANON_VMA, m.anonObjs, m.anonVmas());
        w.trace.free(Trace.MM, m.obj);
    }


    /** The lab's variables live in one page of the agent's data: writing one is a write to that page. */
    void writeVar(Task p, String var, long value, boolean add) {
        Mm m = p.mm;
        writeFault(p, m, 0, 0);
        int i = m.var(var);
        long v = add ? (i < 0 ? 0 : m.varVals[i]) + value : value;
        m.setVar(var, v);
    }

    void touch(Task p, String region, PageRange range, boolean write) {
        Mm m = p.mm;
        int r = m.region(region);
        if (r < 0) throw StepError.error("no region " + region + " in " + p.name);
        int[] pte = m.ptes[r];
        int end = range.end(pte.length);
        for (int i = range.start(); i < end; i++) {
            if (write) writeFault(p, m, r, i);
            else if (pte[i] == Mm.PTE_NONE) {
                // do_anonymous_page, read: the shared zero page (a minor fault); where this machine maps an
                // ordinary page of its own instead, a new writable frame, as a write would
                p.minflt++;
                w.trace.fault(p, "read");
                if (w.cfg.readFaultZeroPage()) {
                    pte[i] = Mm.PTE_ZERO;
                } else {
                    anonVmaPrepare(p, m, r);
                    pte[i] = w.frames.alloc() << 1 | 1;
                    w.trace.page(p, 0);
                }
            }
        }
    }

    /** handle_mm_fault for a write: do_anonymous_page, or do_wp_page (reuse when only we map it, else wp_page_copy). */
    void writeFault(Task p, Mm m, int r, int i) {
        int[] pte = m.ptes[r];
        int e = pte[i];
        if (e >= 2 && (e & 1) != 0) return; // present and writable: no fault
        p.minflt++;
        // the x86 error code says whether the page was present: the zero page is, write-protected
        w.trace.fault(p, e == Mm.PTE_NONE ? "write" : "cow");
        if (e == Mm.PTE_NONE || e == Mm.PTE_ZERO) {
            anonVmaPrepare(p, m, r);
            pte[i] = w.frames.alloc() << 1 | 1;
            w.trace.page(p, 0);
            return;
        }
        int f = e >>> 1;
        if (w.frames.mapcount[f] == 1) {
            pte[i] = e | 1; // wp_page_reuse
        } else {
            w.frames.put(f);
            pte[i] = w.frames.alloc() << 1 | 1; // wp_page_copy
            w.trace.page(p, 0);
        }
    }

    /** __anon_vma_prepare: a VMA's first anonymous page gives it an anon_vma and the link to it. */
    private void anonVmaPrepare(Task p, Mm m, int r) {
        if (r == 0 || m.regionChain[r] > 0) return; // region 0 lives in the image's data, which has one
        m.regionChain[r] = 1;
        List<String> path = List.of("kmem_cache_alloc", "anon_vma_prepare", "do_anonymous_page", "handle_mm_fault", "do_page_fault");
        m.anonObjs.add(w.trace.alloc(p, Trace.ANON_VMA, path));
        m.avcObjs.add(w.trace.alloc(p, Trace.AVC, path));
    }

    long rssAnonKb(Mm m) {
        long n = 0;
        for (int r = 0; r < m.nRegions; r++) for (int pte : m.ptes[r]) if (pte >= 2) n++;
        return n * 4;
    }

    /**
     * VmPTE (mm_pgtables_bytes): the image's own page tables, plus each region's. A region lives alone
     * in a 512 GiB slot of its own (the agent places it there), so its tables are its own: a PTE page
     * for each 2 MiB block with an entry (__pte_alloc on the first fault there), a PMD page for each
     * GiB with a PTE page (__pmd_alloc), and one PUD page (__pud_alloc). Tables are never freed before
     * the mm is (free_pgtables at munmap or exit), and THP would change nothing: a huge PMD deposits
     * its PTE page (pgtable_trans_huge_deposit, mm_inc_nr_ptes).
     */
    long vmPteKb(Mm m) {
        long pages = 0;
        for (int r = 1; r < m.nRegions; r++) pages += tablePages(m.ptes[r]);
        return Mm.IMAGE_PTE_KB + pages * 4;
    }

    static long tablePages(int[] ptes) {
        long pte = 0, pmd = 0;
        for (int gig = 0; gig < ptes.length; gig += PTRS_PER_TABLE * PTRS_PER_TABLE) {
            long inGig = 0;
            int gigEnd = Math.min(ptes.length, gig + PTRS_PER_TABLE * PTRS_PER_TABLE);
            for (int block = gig; block < gigEnd; block += PTRS_PER_TABLE) {
                int end = Math.min(gigEnd, block + PTRS_PER_TABLE);
                for (int i = block; i < end; i++) {
                    if (ptes[i] != Mm.PTE_NONE) {
                        inGig++;
                        break;
                    }
                }
            }
            pte += inGig;
            if (inGig > 0) pmd++;
        }
        return pte + pmd + (pmd > 0 ? 1 : 0);
    }

    /** frames.REGION as pagemap + kpagecount show it: the zero page is present, neither exclusive nor shared. */
    Map<String, Object> framesOf(Mm m, String region) {
        int r = m.region(region);
        if (r < 0) return null;
        int[] p = m.ptes[r];
        long present = 0, shared = 0, exclusive = 0;
        for (int pte : p) {
            if (pte == Mm.PTE_NONE) continue;
            present++;
            if (pte == Mm.PTE_ZERO) continue;
            int mc = w.frames.mapcount[pte >>> 1];
            if (mc > 1) shared++;
            else exclusive++;
        }
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("pages", (long) p.length);
        v.put("present", present);
        v.put("shared", shared);
        v.put("exclusive", exclusive);
        return v;
    }
}
