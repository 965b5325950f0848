package dev.proclab.kernel;

import java.util.List;

/** Every observable field name of LAB-FORMAT.md, in one place for the parser, both kernels and reports. */
public final class Fields {
    /** Plain process fields; besides these: var.NAME, frames.REGION, flags.PF_NAME. */
    public static final List<String> PROCESS = List.of(
            "exists", "pid", "ppid", "tgid", "pgid", "sid", "state", "comm", "threads", "flags", "kthread",
            "children", "minflt", "majflt", "rss_anon_kb", "vm_pte_kb", "wait", "errno", "wchan", "kstack",
            "pending", "blocked", "caught", "ignored");

    /**
     * Signal sets of /proc/PID/status, each a list of signal names in number order: {@code pending}
     * (SigPnd and ShdPnd: the task's own and its group's), {@code blocked} (SigBlk, the task's mask),
     * {@code caught} (SigCgt: a handler), {@code ignored} (SigIgn). Null for a zombie: it takes no signal.
     */
    public static final List<String> SIGNAL_SETS = List.of("pending", "blocked", "caught", "ignored");

    /**
     * What an observe of {@code agent} (the process that runs the lab, main's parent) may name: what
     * both kernels know of it. Its pid and its parent's (the JVM's) are the machine's numbers, and its
     * memory, flags and sleeps are its own work, which the model does not follow.
     */
    public static final List<String> AGENT = List.of("exists", "state", "comm", "threads", "kthread", "tgid", "pgid", "sid", "children");

    /** The numeric process fields that {@code since: LABEL} turns into differences. */
    public static final List<String> DELTAS = List.of("minflt", "majflt", "rss_anon_kb", "vm_pte_kb");

    public static final List<String> PREFIXED = List.of("var.", "frames.", "flags.");

    /** Fields whose values are pids, shown as names where the process has one. */
    public static final List<String> PID_VALUED = List.of("ppid", "tgid", "pgid", "sid", "children");

    public static final List<String> SYSTEM = List.of("pid_max", "ns_last_pid", "threads_max", "kernel_stack_kb");

    /** System fields with a dot: sizeof.STRUCT and offsetof.STRUCT.MEMBER (from BTF). */
    public static final List<String> SYSTEM_PREFIXED = List.of("sizeof.", "offsetof.");

    /**
     * Fields of the kernel subject, what the kernel did in the lab's processes since a label: slab
     * objects allocated and freed, tracepoints in order, user page faults, buddy allocations by order.
     */
    public static final List<String> KERNEL = List.of("allocs", "frees", "events", "faults", "pages");

    /**
     * Kernel fields with a dot: allocs.CACHE, frees.CACHE, faults.KIND, pages.ORDER, stack.CACHE (the
     * kernel call path of the first allocation in CACHE), node.CACHE (the NUMA node it asked for),
     * slabs.CACHE (new slabs of CACHE from the buddy allocator: {slabs, order, every}).
     */
    public static final List<String> KERNEL_PREFIXED = List.of("allocs.", "frees.", "faults.", "pages.", "stack.", "node.", "slabs.");

    /**
     * The slab caches the kernel subject counts, as the kernel's code names them (kmem_cache_create),
     * in the order fork allocates them. Allocations are attributed to these by call site, even where
     * SLUB merged a cache into another of the same size.
     */
    public static final List<String> KERNEL_CACHES = List.of("task_struct", "cred", "files_cache", "fs_cache",
            "sighand_cache", "signal_cache", "mm_struct", "vm_area_struct", "anon_vma", "anon_vma_chain", "pid");

    /**
     * faults.KIND: a read of a page not present, a write to a page not present, a write to a present
     * page (copy-on-write: a shared page, or the zero page), an instruction fetch (code paged in).
     */
    public static final List<String> FAULT_KINDS = List.of("read", "write", "cow", "exec");

    /** Keys of a slabs.CACHE value. */
    public static final List<String> SLABS = List.of("slabs", "order", "every");

    /** The largest buddy order (MAX_PAGE_ORDER on x86_64). */
    public static final int MAX_ORDER = 10;

    public static final List<String> SLAB = List.of("active_objs", "num_objs", "objsize", "objperslab", "pagesperslab");

    /** Keys of a frames.REGION value. */
    public static final List<String> FRAMES = List.of("pages", "present", "shared", "exclusive");

    /** Keys of a wait value. */
    public static final List<String> WAIT = List.of("pid", "status", "exited", "code", "signaled", "signal", "core", "stopped", "continued");

    private Fields() {}

    /** The slab fields a slab observe records: its own fields, else those its expect names, else all. */
    public static List<String> slabFields(Step.Observe o) {
        if (!o.fields().isEmpty()) return o.fields();
        java.util.Set<String> fs = new java.util.LinkedHashSet<>();
        for (String k : o.expect().keySet()) {
            int dot = k.indexOf('.');
            if (dot > 0) fs.add(k.substring(dot + 1));
        }
        return fs.isEmpty() ? SLAB : List.copyOf(fs);
    }

    public static boolean isSystemField(String f) {
        if (SYSTEM.contains(f)) return true;
        for (String p : SYSTEM_PREFIXED) if (f.startsWith(p) && f.length() > p.length()) return true;
        return false;
    }

    public static boolean isKernelField(String f) {
        if (KERNEL.contains(f)) return true;
        for (String p : KERNEL_PREFIXED) if (f.startsWith(p) && f.length() > p.length()) return true;
        return false;
    }

    /** The family of a kernel field (what a label must trace for it): allocs, frees, events, faults, pages, slabs, or stack.CACHE. */
    public static String kernelFamily(String f) {
        if (f.startsWith("stack.")) return f;
        if (f.startsWith("node.")) return "allocs";
        int dot = f.indexOf('.');
        return dot < 0 ? f : f.substring(0, dot);
    }

    public static boolean isProcessField(String f) {
        if (PROCESS.contains(f)) return true;
        for (String p : PREFIXED) if (f.startsWith(p) && f.length() > p.length()) return true;
        return false;
    }
}
