package dev.proclab.real;

import dev.proclab.kernel.Fields;
import dev.proclab.proc.Kallsyms;
import dev.proclab.proc.SlabAliases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which cache an allocation is for, as the kernel's code names it. A kmem_cache_alloc event names the
 * cache it came from, but SLUB merges caches of one size (here cred into pid, fs_cache into
 * anon_vma_chain, the UNIX sockets into signal_cache), so the name alone misleads. The call site does
 * not: each cache is allocated by a few functions of the kernel (dup_task_struct for task_struct,
 * prepare_creds for cred, ...). Where the compiler inlined them into one function (copy_process
 * allocates task_struct, sighand, signal and mm), the event's cache decides, through the merge groups
 * of /sys/kernel/slab.
 */
final class SlabCallSites {
    /** Each cache of {@link Fields#KERNEL_CACHES} and the kernel functions that allocate it (or that inline one that does). */
    static final Map<String, List<String>> ALLOCATORS;

    static {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("task_struct", List.of("copy_process", "dup_task_struct"));
        m.put("cred", List.of("prepare_creds", "prepare_kernel_cred", "copy_creds", "prepare_exec_creds"));
        m.put("files_cache", List.of("dup_fd", "copy_files", "copy_process"));
        m.put("fs_cache", List.of("copy_fs_struct", "copy_fs", "copy_process"));
        m.put("sighand_cache", List.of("copy_process", "copy_sighand", "unshare_sighand", "begin_new_exec"));
        m.put("signal_cache", List.of("copy_process", "copy_signal"));
        m.put("mm_struct", List.of("copy_process", "copy_mm", "dup_mm", "mm_alloc"));
        m.put("vm_area_struct", List.of("vm_area_alloc", "vm_area_dup"));
        m.put("anon_vma", List.of("anon_vma_fork", "__anon_vma_prepare", "anon_vma_alloc"));
        m.put("anon_vma_chain", List.of("anon_vma_fork", "anon_vma_clone", "__anon_vma_prepare", "anon_vma_chain_alloc"));
        m.put("pid", List.of("alloc_pid"));
        ALLOCATORS = java.util.Collections.unmodifiableMap(m);
    }

    private final Kallsyms syms;
    private final SlabAliases aliases;
    private final Map<String, String> groups = new LinkedHashMap<>();

    SlabCallSites(Kallsyms syms, SlabAliases aliases) {
        this.syms = syms;
        this.aliases = aliases;
    }

    private String group(String cache) {
        return groups.computeIfAbsent(cache, c -> {
            String g = aliases.group(c);
            return g == null ? "" : g;
        });
    }

    /** The cache of an allocation from {@code callSite} that the event says came from {@code name}; null when none of ours. */
    String cacheOf(long callSite, String name) {
        String fn = syms.function(callSite);
        if (fn == null) return null;
        String only = null;
        int candidates = 0;
        for (Map.Entry<String, List<String>> e : ALLOCATORS.entrySet()) {
            if (!e.getValue().contains(fn)) continue;
            candidates++;
            String k = e.getKey();
            String gk = group(k), gn = group(name);
            boolean same = gk.isEmpty() || gn.isEmpty() ? k.equals(name) : gk.equals(gn);
            if (same) only = only == null ? k : only;
        }
        return candidates == 0 ? null : only;
    }

    /** A tracefs filter that passes only allocations from these caches' allocating functions (by call-site address). */
    String filter(Iterable<String> caches) {
        Set<String> fns = new LinkedHashSet<>();
        for (String c : caches) fns.addAll(ALLOCATORS.getOrDefault(c, List.of()));
        List<String> parts = new ArrayList<>();
        for (String fn : fns) {
            for (long[] r : syms.ranges(fn)) {
                parts.add("(call_site >= 0x" + Long.toHexString(r[0]) + " && call_site < 0x" + Long.toHexString(r[1]) + ")");
            }
        }
        return String.join(" || ", parts);
    }

    /**
     * The filter of the stacktrace trigger: allocations from these caches' functions that also name one of
     * their kmem_caches (copy_process allocates four caches; a stack is wanted for one).
     */
    String stackFilter(java.util.Collection<String> caches, Iterable<String> slabinfoNames) {
        String sites = filter(caches), names = freeFilter(caches, slabinfoNames);
        return sites.isEmpty() || names.isEmpty() ? sites : "(" + sites + ") && (" + names + ")";
    }

    /**
     * A tracefs filter that passes only frees from these caches' kmem_caches: the names a free event can
     * carry, which for a merged cache is its group's own name (the name /proc/slabinfo shows for it).
     */
    String freeFilter(Iterable<String> caches, Iterable<String> slabinfoNames) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String c : caches) wanted.add(group(c).isEmpty() ? c : group(c));
        Set<String> names = new LinkedHashSet<>();
        for (String n : slabinfoNames) {
            String g = group(n);
            if (wanted.contains(g.isEmpty() ? n : g)) names.add(n);
        }
        for (String c : caches) if (group(c).isEmpty()) names.add(c);
        List<String> parts = new ArrayList<>();
        for (String n : names) parts.add("name == \"" + n + "\"");
        return String.join(" || ", parts);
    }
}
