package dev.proclab.posix;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few libc calls the JVM side needs (never fork: that is the agent's). Loaded lazily, so a
 * command that needs none of them starts without JNA, and so the model runs where there is no libc.
 */
public final class Posix {
    public static final int SIGKILL = 9;

    private interface LibC extends Library {
        int kill(int pid, int sig);

        int geteuid();

        int getuid();

        int isatty(int fd);

        int ioctl(int fd, com.sun.jna.NativeLong request, byte[] arg);
    }

    private static volatile LibC libc;

    private Posix() {}

    private static LibC libc() {
        LibC l = libc;
        if (l == null) {
            synchronized (Posix.class) {
                if (libc == null) libc = Native.load("c", LibC.class);
                l = libc;
            }
        }
        return l;
    }

    public static boolean isLinux() {
        String forced = System.getProperty("proclab.os");
        String os = forced != null ? forced : System.getProperty("os.name", "");
        return os.toLowerCase(java.util.Locale.ROOT).startsWith("linux");
    }

    /** kill(-pgid, sig): the whole process group. Returns false when there was no such group. */
    public static boolean killGroup(long pgid, int sig) {
        if (!isLinux() || pgid <= 1) return false;
        return libc().kill((int) -pgid, sig) == 0;
    }

    /** kill(pid, sig) of one process; false when it is gone. */
    public static boolean kill(long pid, int sig) {
        if (!isLinux() || pid <= 1) return false;
        return libc().kill((int) pid, sig) == 0;
    }

    public static int euid() {
        return isLinux() ? libc().geteuid() : -1;
    }

    /** Whether file descriptor {@code fd} is a terminal. */
    public static boolean isatty(int fd) {
        return isLinux() && libc().isatty(fd) == 1;
    }

    /** The columns of the terminal on {@code fd} (TIOCGWINSZ), or 0 when it is not one. */
    public static int terminalColumns(int fd) {
        if (!isLinux()) return 0;
        byte[] ws = new byte[8]; // struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (unsigned short each)
        if (libc().ioctl(fd, new com.sun.jna.NativeLong(TIOCGWINSZ), ws) != 0) return 0;
        return java.nio.ByteBuffer.wrap(ws).order(java.nio.ByteOrder.nativeOrder()).getShort(2) & 0xffff;
    }

    /** TIOCGWINSZ of asm-generic/ioctls.h (x86, arm, riscv; not alpha, mips, powerpc, sparc). */
    private static final long TIOCGWINSZ = 0x5413;

    public static int uid() {
        return isLinux() ? libc().getuid() : -1;
    }
}
