package dev.proclab.report;

/**
 * Text from a lab (a program's output, a comm, an argv) made safe to print on a terminal: control
 * characters, bidirectional overrides and bytes that were not UTF-8 (which the agent sends as the
 * lone surrogates U+DC80..U+DCFF) are shown escaped, never written raw.
 */
public final class Text {
    private Text() {}

    /** One line: every control character escaped, a line break too. */
    public static String line(String s) {
        return escape(s, false);
    }

    /** Several lines: line breaks and tabs kept, every other control escaped. */
    public static String block(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) return null;
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            if (keepLines && (c == '\n' || c == '\t')) {
                rep = null;
            } else if (c == '\n') {
                rep = "\\n";
            } else if (c == '\t') {
                rep = "\\t";
            } else if (c < 0x20 || c == 0x7f) {
                rep = String.format("\\x%02x", (int) c);
            } else if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                rep = String.format("\\x%02x", c - 0xdc00); // a byte that was not UTF-8
            } else if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                    || (Character.isSurrogate(c) && !pairedAt(s, i))) {
                rep = String.format("\\u%04x", (int) c);
            }
            if (rep != null) {
                if (sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                sb.append(rep);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
