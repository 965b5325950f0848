package dev.proclab.kernel;

import java.util.List;

/** Every observable field name of LAB-FORMAT.md, in one place for the parser, both kernels and reports. */
public final class Fields {
    /** Plain process fields; besides these: var.NAME, frames.REGION, flags.PF_NAME. */
    public static final List<String> PROCESS = List.of(
            "exists", "pid", "ppid", "tgid", "pgid", "sid", "state", "comm", "threads", "flags", "kthread",
            "children", "minflt", "majflt", "rss_anon_kb", "vm_pte_kb", "wait", "errno");

    /** The numeric process fields that {@code since: LABEL} turns into differences. */
    public static final List<String> DELTAS = List.of("minflt", "majflt", "rss_anon_kb", "vm_pte_kb");

    public static final List<String> PREFIXED = List.of("var.", "frames.", "flags.");

    /** Fields whose values are pids, shown as names where the process has one. */
    public static final List<String> PID_VALUED = List.of("ppid", "tgid", "pgid", "sid", "children");

    public static final List<String> SYSTEM = List.of("pid_max", "ns_last_pid", "threads_max");

    public static final List<String> SLAB = List.of("active_objs", "num_objs", "objsize", "objperslab", "pagesperslab");

    /** Keys of a frames.REGION value. */
    public static final List<String> FRAMES = List.of("pages", "present", "shared", "exclusive");

    /** Keys of a wait value. */
    public static final List<String> WAIT = List.of("pid", "status", "exited", "code", "signaled", "signal", "stopped", "continued");

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

    public static boolean isProcessField(String f) {
        if (PROCESS.contains(f)) return true;
        for (String p : PREFIXED) if (f.startsWith(p) && f.length() > p.length()) return true;
        return false;
    }
}
