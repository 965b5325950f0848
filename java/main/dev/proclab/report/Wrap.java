package dev.proclab.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Text broken into lines that fit a width, between words where it can (after a blank, else after - or /),
 * inside a word where it must. Width counts what a terminal shows: colour escapes take none.
 */
public final class Wrap {
    private Wrap() {}

    /** The characters a terminal shows for {@code s}: code points, without ANSI colour escapes. */
    public static int visible(String s) {
        int n = 0;
        for (int i = skip(s, 0); i < s.length(); i = skip(s, i + Character.charCount(s.codePointAt(i)))) n++;
        return n;
    }

    /** {@code i}, or past the colour escapes that start there. */
    private static int skip(String s, int i) {
        while (i < s.length() && s.charAt(i) == '\u001b') {
            int m = s.indexOf('m', i);
            i = m < 0 ? s.length() : m + 1;
        }
        return i;
    }

    /** {@code text} in lines of at most {@code width} visible characters (at least one line). */
    public static List<String> lines(String text, int width) {
        List<String> out = new ArrayList<>();
        width = Math.max(1, width);
        for (String para : text.split("\n", -1)) {
            String rest = para;
            while (visible(rest) > width) {
                int cut = cutAt(rest, width);
                out.add(rest.substring(0, cut).stripTrailing());
                rest = rest.substring(cut).stripLeading();
            }
            out.add(rest);
        }
        return out;
    }

    /** Prints {@code text} wrapped to {@code width}; lines after the first start with {@code indent}. */
    public static void println(PrintStream out, String text, int width, String indent) {
        List<String> first = lines(text, width);
        if (first.size() == 1) {
            out.println(first.get(0));
            return;
        }
        out.println(first.get(0));
        String rest = String.join(" ", first.subList(1, first.size()));
        for (String l : lines(rest, width - indent.length())) out.println(indent + l);
    }

    /** Where to cut so the first part shows at most width characters: after the last blank, else hard. */
    private static int cutAt(String s, int width) {
        int shown = 0, hard = s.length(), lastBlank = -1, lastBreak = -1;
        for (int i = skip(s, 0); i < s.length(); i = skip(s, i + Character.charCount(s.codePointAt(i)))) {
            char c = s.charAt(i);
            if (shown == width) {
                hard = i;
                break;
            }
            if (c == ' ' && shown > 0) lastBlank = i + 1;
            else if ((c == '-' || c == '/') && shown > 0 && shown < width) lastBreak = i + 1;
            shown++;
        }
        // a blank right at the cut breaks cleanly too
        if (hard < s.length() && s.charAt(hard) == ' ') return hard;
        return lastBlank > 0 ? lastBlank : lastBreak > 0 ? lastBreak : hard;
    }
}
