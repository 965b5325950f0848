package dev.proclab.report;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Predictions;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import dev.proclab.kernel.Values;
import dev.proclab.lab.Lab;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The comparison as a table that fits the terminal, with a one-line summary per lab. Where model and
 * real agree their value is shown once, across both columns; a long value wraps inside its cell; an
 * expected null shows as "-", like the kernels' columns (a row with no expectation shows nothing).
 */
public final class TerminalReport {
    private static final String[] HEAD = {"step", "proc", "field", "expected", "model", "real", "verdict"};
    private static final int STEP = 0, PROC = 1, FIELD = 2, EXPECTED = 3, MODEL = 4, REAL = 5, VERDICT = 6;
    private static final int MIN_FLEX = 8;

    private final PrintStream out;
    private final Style style;
    private final int width;

    public TerminalReport(PrintStream out, Style style) {
        this(out, style, 80);
    }

    /** @param width the terminal's width in columns: no line printed is longer */
    public TerminalReport(PrintStream out, Style style, int width) {
        this.out = out;
        this.style = style;
        this.width = Math.max(40, width);
    }

    public void lab(String title, LabResult r) {
        print(title, r, null);
    }

    /** The lab's table; knowing the lab tells an expected null ("-") from no expectation (blank). */
    public void lab(Lab lab, LabResult r) {
        Set<String> expected = new HashSet<>();
        for (Predictions.Expected x : Predictions.expected(lab.steps())) expected.add(x.step() + "\u0000" + x.subject() + "\u0000" + x.field());
        print(lab.title(), r, expected);
    }

    private void print(String title, LabResult r, Set<String> expectedKeys) {
        say(style.bold(r.lab()) + (title == null ? "" : " — " + title), "  ");
        List<String[]> cells = new ArrayList<>();
        for (Row row : r.rows()) {
            boolean hasExpect = expectedKeys == null ? row.expected() != null
                    : expectedKeys.contains(row.step() + "\u0000" + row.proc() + "\u0000" + row.field());
            cells.add(new String[] {String.valueOf(row.step()), row.proc(), row.field(),
                hasExpect ? Values.show(row.expected()) : "", Values.show(shown(row.model(), row.expected())),
                Values.show(shown(row.real(), row.expected())), row.verdict().id()});
        }
        int[] w = widths(cells);
        printRow(HEAD, w, false, null);
        for (int k = 0; k < cells.size(); k++) {
            String[] c = cells.get(k);
            Row row = r.rows().get(k);
            printRow(c, w, c[MODEL].equals(c[REAL]), row.verdict());
            // the lab-wide reason is said once below, not on every row
            if (row.note() != null && row.verdict() != Verdict.MATCH && !row.note().equals(r.realSkipped())) {
                say("      " + style.dim("↳ " + row.note()), "        ");
            }
        }
        for (LabResult.StepEvent e : r.events()) {
            if (!"output".equals(e.event().kind())) continue;
            String prefix = "  step " + e.step() + " " + e.kernel() + " " + e.event().proc() + "| ";
            for (String l : Text.block(e.event().text()).split("\n")) {
                List<String> parts = Wrap.lines(l, Math.max(20, width - prefix.length()));
                for (int i = 0; i < parts.size(); i++) out.println(style.dim(i == 0 ? prefix : " ".repeat(prefix.length() - 2) + "| ") + parts.get(i));
            }
        }
        for (String warn : r.warnings()) say(style.verdict(Verdict.SKIPPED, "warning: ") + warn, "  ");
        if (r.realSkipped() != null) say(style.verdict(Verdict.SKIPPED, "real side skipped: ") + r.realSkipped(), "  ");
        if (r.failure() != null) say(style.verdict(Verdict.DIFFERS, "failed: ") + r.failure(), "  ");
        say(summary(r), "  ");
        out.println();
    }

    /** A line of text wrapped to the width; continuation lines start with {@code indent}. */
    public void say(String text, String indent) {
        Wrap.println(out, text, width, indent);
    }

    public String summary(LabResult r) {
        Map<Verdict, Integer> s = r.summary();
        StringBuilder sb = new StringBuilder(r.lab()).append(": ");
        boolean first = true;
        for (Verdict v : Verdict.values()) {
            sb.append(first ? "" : ", ").append(s.get(v)).append(' ').append(v.id());
            first = false;
        }
        String verdict = r.failure() != null ? "FAILED" : r.failed() ? "DIFFERS" : "OK";
        return sb.append("  ").append(r.failure() != null || r.failed() ? style.verdict(Verdict.DIFFERS, verdict) : style.verdict(Verdict.MATCH, verdict)).toString();
    }

    /** An object shown against a partial expectation: only the keys the lab asked about (JSON keeps all). */
    static Object shown(Object v, Object expected) {
        if (v instanceof Map<?, ?> m && expected instanceof Map<?, ?> e) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            for (Object k : e.keySet()) if (m.containsKey(k)) out.put(k, m.get(k));
            return out;
        }
        return v;
    }

    /**
     * Column widths that fit: each column as wide as its widest cell, then expected and the model/real
     * pair give up a column at a time, the wider first (never below 8), then proc and field.
     */
    private int[] widths(List<String[]> cells) {
        int n = HEAD.length;
        int[] w = new int[n];
        for (int i = 0; i < n; i++) w[i] = HEAD[i].length();
        for (String[] c : cells) {
            for (int i = 0; i < n; i++) {
                if ((i == MODEL || i == REAL) && c[MODEL].equals(c[REAL])) continue; // shown once, across both
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        // a merged value needs the two columns and the gap between them
        for (String[] c : cells) {
            if (!c[MODEL].equals(c[REAL])) continue;
            int need = c[MODEL].length() - (w[MODEL] + 2 + w[REAL]);
            if (need > 0) {
                w[MODEL] += need / 2 + need % 2;
                w[REAL] += need / 2;
            }
        }
        int budget = width - 1 - 2 * (n - 1);
        boolean anyMerged = false;
        for (String[] c : cells) anyMerged |= c[MODEL].equals(c[REAL]);
        while (sum(w) > budget) {
            // an agreed value spans model and real: weigh the two as the one cell it is
            int pair = anyMerged ? w[MODEL] + 2 + w[REAL] : Math.max(w[MODEL], w[REAL]);
            int shrink = -1;
            if (w[EXPECTED] > MIN_FLEX && w[EXPECTED] >= pair) shrink = EXPECTED;
            else if (w[MODEL] > MIN_FLEX || w[REAL] > MIN_FLEX) shrink = w[MODEL] >= w[REAL] ? MODEL : REAL;
            else if (w[EXPECTED] > MIN_FLEX) shrink = EXPECTED;
            else if (w[FIELD] > 6 || w[PROC] > 6) shrink = w[FIELD] >= w[PROC] ? FIELD : PROC;
            if (shrink < 0) break; // nothing left to give; the caller asks for at least 80 columns
            w[shrink]--;
        }
        return w;
    }

    private static int sum(int[] w) {
        int s = 0;
        for (int x : w) s += x;
        return s;
    }

    /** One row, its cells wrapped in their columns; a merged model/real value spans both. */
    private void printRow(String[] c, int[] w, boolean merged, Verdict verdict) {
        List<List<String>> parts = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < c.length; i++) {
            int cw = i == MODEL && merged ? w[MODEL] + 2 + w[REAL] : w[i];
            List<String> l = i == REAL && merged ? List.of("") : Wrap.lines(c[i], cw);
            parts.add(l);
            height = Math.max(height, l.size());
        }
        for (int line = 0; line < height; line++) {
            StringBuilder sb = new StringBuilder(" ");
            for (int i = 0; i < c.length; i++) {
                if (i == REAL && merged) continue;
                String s = line < parts.get(i).size() ? parts.get(i).get(line) : "";
                int cw = i == MODEL && merged ? w[MODEL] + 2 + w[REAL] : w[i];
                if (i == VERDICT && verdict != null && !s.isEmpty()) s = style.verdict(verdict, s);
                else if (verdict == null) s = style.dim(s);
                sb.append(s);
                if (i < c.length - 1) sb.append(" ".repeat(Math.max(0, cw - Wrap.visible(s))) + "  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
