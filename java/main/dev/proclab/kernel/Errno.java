package dev.proclab.kernel;

/** The errno values steps can fail with (asm-generic/errno-base.h and errno.h). Labs and reports use names. */
public final class Errno {
    private static final String[] NAMES = new String[134];

    static {
        String[] base = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
            "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
            "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP"
        };
        System.arraycopy(base, 0, NAMES, 0, base.length);
        NAMES[95] = "EOPNOTSUPP";
        NAMES[110] = "ETIMEDOUT";
        NAMES[22] = "EINVAL";
        NAMES[75] = "EOVERFLOW";
        NAMES[87] = "EUSERS";
    }

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EINVAL = 22, ENOSYS = 38;

    private Errno() {}

    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) return NAMES[errno];
        return "E" + errno;
    }

    /** The number of an errno name, or -1. */
    public static int number(String name) {
        for (int i = 1; i < NAMES.length; i++) if (name.equals(NAMES[i])) return i;
        return -1;
    }
}
