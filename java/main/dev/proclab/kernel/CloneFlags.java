package dev.proclab.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CLONE_* bits of include/uapi/linux/sched.h. Only these names are accepted in lab files. */
public final class CloneFlags {
    public static final long VM = 0x100, FS = 0x200, FILES = 0x400, SIGHAND = 0x800, PIDFD = 0x1000,
            PTRACE = 0x2000, VFORK = 0x4000, PARENT = 0x8000, THREAD = 0x10000, NEWNS = 0x20000,
            SYSVSEM = 0x40000, SETTLS = 0x80000, PARENT_SETTID = 0x100000, CHILD_CLEARTID = 0x200000,
            UNTRACED = 0x800000, CHILD_SETTID = 0x1000000, NEWCGROUP = 0x2000000, NEWUTS = 0x4000000,
            NEWIPC = 0x8000000, NEWUSER = 0x10000000, NEWPID = 0x20000000, NEWNET = 0x40000000, IO = 0x80000000L;

    private static final Map<String, Long> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("CLONE_VM", VM);
        BY_NAME.put("CLONE_FS", FS);
        BY_NAME.put("CLONE_FILES", FILES);
        BY_NAME.put("CLONE_SIGHAND", SIGHAND);
        BY_NAME.put("CLONE_PIDFD", PIDFD);
        BY_NAME.put("CLONE_PTRACE", PTRACE);
        BY_NAME.put("CLONE_VFORK", VFORK);
        BY_NAME.put("CLONE_PARENT", PARENT);
        BY_NAME.put("CLONE_THREAD", THREAD);
        BY_NAME.put("CLONE_NEWNS", NEWNS);
        BY_NAME.put("CLONE_SYSVSEM", SYSVSEM);
        BY_NAME.put("CLONE_SETTLS", SETTLS);
        BY_NAME.put("CLONE_PARENT_SETTID", PARENT_SETTID);
        BY_NAME.put("CLONE_CHILD_CLEARTID", CHILD_CLEARTID);
        BY_NAME.put("CLONE_UNTRACED", UNTRACED);
        BY_NAME.put("CLONE_CHILD_SETTID", CHILD_SETTID);
        BY_NAME.put("CLONE_NEWCGROUP", NEWCGROUP);
        BY_NAME.put("CLONE_NEWUTS", NEWUTS);
        BY_NAME.put("CLONE_NEWIPC", NEWIPC);
        BY_NAME.put("CLONE_NEWUSER", NEWUSER);
        BY_NAME.put("CLONE_NEWPID", NEWPID);
        BY_NAME.put("CLONE_NEWNET", NEWNET);
        BY_NAME.put("CLONE_IO", IO);
    }

    private CloneFlags() {}

    /** The bit of a CLONE_ name, or null when there is none. */
    public static Long bit(String name) {
        return BY_NAME.get(name);
    }

    public static long mask(List<String> names) {
        long m = 0;
        for (String n : names) {
            Long b = BY_NAME.get(n);
            if (b == null) throw new IllegalArgumentException("unknown clone flag " + n);
            m |= b;
        }
        return m;
    }

    public static List<String> allNames() {
        return List.copyOf(BY_NAME.keySet());
    }
}
