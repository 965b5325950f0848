package dev.proclab.cli;

import java.io.PrintStream;

/**
 * A progress bar for long work (run --all, bench soak), drawn on standard error and only when it
 * is a terminal; elsewhere (a pipe, a file, CI's log) it draws nothing. It redraws one line and
 * clears it before anything else is printed.
 */
class Progress {
    static final Progress NONE = new Progress();

    /** A bar when {@code wanted} and standard error is a terminal, else one that draws nothing. */
    static Progress of(boolean wanted, PrintStream err, int width) {
        return wanted && Terminal.progressAllowed() ? new Bar(err, width) : NONE;
    }

    void show(int done, int total, String what) {}

    void clear() {}

    private static final class Bar extends Progress {
        private final PrintStream err;
        private final int width;
        private boolean drawn;

        Bar(PrintStream err, int width) {
            this.err = err;
            this.width = width;
        }

        @Override
        void show(int done, int total, String what) {
            String count = " " + done + "/" + total + " ";
            int room = Math.max(10, Math.min(40, width - count.length() - what.length() - 4));
            int full = total == 0 ? room : (int) ((long) room * done / total);
            String label = what.length() > width - room - count.length() - 3 ? "" : what;
            err.print("\r[" + "#".repeat(full) + ".".repeat(room - full) + "]" + count + label + "\u001b[K");
            err.flush();
            drawn = true;
        }

        @Override
        void clear() {
            if (!drawn) return;
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }
}
