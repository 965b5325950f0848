package dev.proclab.kernel;

import java.util.List;

/** Linux signal numbers (x86_64, arm64 and most others share 1..31). Labs write names; tables here map both ways. */
public final class Signals {
    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"
    };

    public static final int SIGHUP = 1, SIGKILL = 9, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTRAP = 5;

    private Signals() {}

    /** sig_kernel_coredump: the signals whose default action dumps core. */
    public static boolean dumpsCore(int sig) {
        return switch (sig) {
            case 3, 4, 5, 6, 7, 8, 11, 24, 25, 31 -> true; // QUIT ILL TRAP ABRT BUS FPE SEGV XCPU XFSZ SYS
            default -> false;
        };
    }

    /** The number of a signal name ("SIGKILL", also "KILL" or "9"), or -1. */
    public static int number(String name) {
        if (name == null) return -1;
        String n = name.startsWith("SIG") ? name : "SIG" + name;
        for (int i = 1; i < NAMES.length; i++) if (NAMES[i].equals(n)) return i;
        try {
            int v = Integer.parseInt(name);
            return v >= 0 && v < NAMES.length ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The name of a signal number; real-time signals read SIGRTMIN+k. */
    public static String name(int number) {
        if (number > 0 && number < NAMES.length) return NAMES[number];
        if (number >= 34 && number <= 64) return "SIGRTMIN+" + (number - 34);
        return String.valueOf(number);
    }

    /** The names of the signals in a mask (bit n-1 is signal n, as /proc/PID/status writes it), in number order. */
    public static List<String> names(long mask) {
        List<String> out = new java.util.ArrayList<>();
        for (int sig = 1; sig <= 64; sig++) if ((mask & 1L << (sig - 1)) != 0) out.add(name(sig));
        return out;
    }

    public static List<String> allNames() {
        return java.util.Arrays.asList(NAMES).subList(1, NAMES.length);
    }
}
