package dev.proclab.cli;

import dev.proclab.posix.Posix;

/** What the terminal proclab prints on is like: how wide, and whether it is one at all. */
final class Terminal {
    static final int MIN_WIDTH = 80;

    private Terminal() {}

    /** COLUMNS when set, else the terminal's own width, else 80; never less than 80. */
    static int width() {
        String cols = System.getenv("COLUMNS");
        if (cols != null) {
            try {
                return Math.max(MIN_WIDTH, Integer.parseInt(cols.trim()));
            } catch (NumberFormatException e) {
                // not a number: ask the terminal
            }
        }
        int tty = Posix.isLinux() ? Posix.terminalColumns(1) : 0;
        return Math.max(MIN_WIDTH, tty);
    }

    /** Whether standard error is a terminal that can redraw a line: where a progress bar may be drawn. */
    static boolean progressAllowed() {
        return Posix.isLinux() && !"dumb".equals(System.getenv("TERM")) && Posix.isatty(2);
    }
}
