package dev.proclab.proc;

/** Every /proc and /sys path proclab reads, in one place. */
public final class ProcPaths {
    public static final String PROC = "/proc";
    public static final String SLABINFO = "/proc/slabinfo";
    public static final String KPAGECOUNT = "/proc/kpagecount";
    public static final String PID_MAX = "/proc/sys/kernel/pid_max";
    public static final String NS_LAST_PID = "/proc/sys/kernel/ns_last_pid";
    public static final String THREADS_MAX = "/proc/sys/kernel/threads-max";
    public static final String OSRELEASE = "/proc/sys/kernel/osrelease";
    public static final String YAMA_PTRACE_SCOPE = "/proc/sys/kernel/yama/ptrace_scope";
    public static final String SELF_FD = "/proc/self/fd";
    public static final String SELF_STATUS = "/proc/self/status";
    public static final String SELF_LIMITS = "/proc/self/limits";
    public static final String CORE_PATTERN = "/proc/sys/kernel/core_pattern";
    public static final String SUID_DUMPABLE = "/proc/sys/fs/suid_dumpable";
    public static final String SELF_CGROUP = "/proc/self/cgroup";
    public static final String CGROUP_ROOT = "/sys/fs/cgroup";
    public static final String MEMINFO = "/proc/meminfo";
    public static final String KALLSYMS = "/proc/kallsyms";
    public static final String BTF_VMLINUX = "/sys/kernel/btf/vmlinux";
    public static final String SYS_SLAB = "/sys/kernel/slab";
    public static final String PRESSURE_CPU = "/proc/pressure/cpu";
    public static final String LOADAVG = "/proc/loadavg";

    private ProcPaths() {}

    public static String pidDir(long pid) {
        return PROC + "/" + pid;
    }

    public static String stat(long pid) {
        return pidDir(pid) + "/stat";
    }

    public static String status(long pid) {
        return pidDir(pid) + "/status";
    }

    public static String children(long pid, long tid) {
        return pidDir(pid) + "/task/" + tid + "/children";
    }

    public static String pagemap(long pid) {
        return pidDir(pid) + "/pagemap";
    }
}
