package dev.proclab.kernel;

import java.util.ArrayList;
import java.util.List;

/** The PF_* bits of task_struct.flags (include/linux/sched.h, 6.x), as /proc/PID/stat field 9 shows them. */
public final class PfFlags {
    private static final String[] NAMES = new String[32];

    static {
        def(0x00000001, "PF_VCPU");
        def(0x00000002, "PF_IDLE");
        def(0x00000004, "PF_EXITING");
        def(0x00000008, "PF_POSTCOREDUMP");
        def(0x00000010, "PF_IO_WORKER");
        def(0x00000020, "PF_WQ_WORKER");
        def(0x00000040, "PF_FORKNOEXEC");
        def(0x00000080, "PF_MCE_PROCESS");
        def(0x00000100, "PF_SUPERPRIV");
        def(0x00000200, "PF_DUMPCORE");
        def(0x00000400, "PF_SIGNALED");
        def(0x00000800, "PF_MEMALLOC");
        def(0x00001000, "PF_NPROC_EXCEEDED");
        def(0x00002000, "PF_USED_MATH");
        def(0x00004000, "PF_USER_WORKER");
        def(0x00008000, "PF_NOFREEZE");
        def(0x00010000, "PF_KCOMPACTD");
        def(0x00020000, "PF_KSWAPD");
        def(0x00040000, "PF_MEMALLOC_NOFS");
        def(0x00080000, "PF_MEMALLOC_NOIO");
        def(0x00100000, "PF_LOCAL_THROTTLE");
        def(0x00200000, "PF_KTHREAD");
        def(0x00400000, "PF_RANDOMIZE");
        def(0x04000000, "PF_NO_SETAFFINITY");
        def(0x08000000, "PF_MCE_EARLY");
        def(0x10000000, "PF_MEMALLOC_PIN");
        def(0x20000000, "PF_BLOCK_TS");
        def(0x80000000, "PF_SUSPEND_TASK");
    }

    public static final long FORKNOEXEC = 0x40, EXITING = 0x4, SUPERPRIV = 0x100, SIGNALED = 0x400,
            KTHREAD = 0x200000, RANDOMIZE = 0x400000, NPROC_EXCEEDED = 0x1000;

    private PfFlags() {}

    private static void def(long bit, String name) {
        NAMES[Long.numberOfTrailingZeros(bit)] = name;
    }

    /** Names of the set bits, lowest first; an unnamed bit shows as its hex value. */
    public static List<String> names(long flags) {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < 32; b++) {
            if ((flags & (1L << b)) != 0) out.add(NAMES[b] != null ? NAMES[b] : String.format("0x%x", 1L << b));
        }
        return out;
    }

    /** The bit of a PF_ name, or 0 when there is no such flag. */
    public static long bit(String name) {
        for (int b = 0; b < 32; b++) if (name.equals(NAMES[b])) return 1L << b;
        return 0;
    }

    public static List<String> allNames() {
        List<String> out = new ArrayList<>();
        for (String n : NAMES) if (n != null) out.add(n);
        return out;
    }
}
