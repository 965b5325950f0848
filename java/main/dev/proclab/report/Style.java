package dev.proclab.report;

import dev.proclab.compare.Verdict;

/** ANSI colour, on only for a terminal and never with NO_COLOR (no-color.org). */
public record Style(boolean color) {
    public static Style detect(boolean forceOff) {
        boolean tty = System.console() != null;
        String noColor = System.getenv("NO_COLOR");
        String term = System.getenv("TERM");
        return new Style(!forceOff && tty && (noColor == null || noColor.isEmpty()) && !"dumb".equals(term));
    }

    public String verdict(Verdict v, String text) {
        return switch (v) {
            case MATCH -> paint("32", text);
            case DIFFERS, EXPECT_FAILED -> paint("1;31", text);
            case EXPLAINED -> paint("36", text);
            case SKIPPED -> paint("33", text);
        };
    }

    public String bold(String text) {
        return paint("1", text);
    }

    public String dim(String text) {
        return paint("2", text);
    }

    private String paint(String code, String text) {
        return color ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
