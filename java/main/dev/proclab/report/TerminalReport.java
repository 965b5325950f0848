package dev.proclab.report;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import dev.proclab.kernel.Values;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The comparison as an aligned table with a one-line summary per lab. */
public final class TerminalReport {
    private static final String[] HEAD = {"step", "proc", "field", "expected", "model", "real", "verdict"};
    private static final int MAX_CELL = 60;

    private final PrintStream out;
    private final Style style;

    public TerminalReport(PrintStream out, Style style) {
        this.out = out;
        this.style = style;
    }

    public void lab(String title, LabResult r) {
        out.println(style.bold(r.lab()) + (title == null ? "" : " — " + title));
        List<String[]> cells = new ArrayList<>();
        for (Row row : r.rows()) {
            cells.add(new String[] {String.valueOf(row.step()), row.proc(), row.field(),
                row.expected() == null ? "" : cell(row.expected()), cell(shown(row.model(), row.expected())),
                cell(shown(row.real(), row.expected())), row.verdict().id()});
        }
        int[] w = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) w[i] = HEAD[i].length();
        for (String[] c : cells) for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
        out.println(style.dim(line(HEAD, w)));
        for (int k = 0; k < cells.size(); k++) {
            String[] c = cells.get(k);
            Row row = r.rows().get(k);
            String text = line(c, w);
            int cut = text.lastIndexOf(c[6]);
            out.println(text.substring(0, cut) + style.verdict(row.verdict(), c[6]));
            // the lab-wide reason is said once below, not on every row
            if (row.note() != null && row.verdict() != Verdict.MATCH && !row.note().equals(r.realSkipped())) {
                out.println("      " + style.dim("↳ " + row.note()));
            }
        }
        for (LabResult.StepEvent e : r.events()) {
            if (!"output".equals(e.event().kind())) continue;
            for (String l : Text.block(e.event().text()).split("\n")) out.println(style.dim("  step " + e.step() + " " + e.kernel() + " " + e.event().proc() + "| ") + l);
        }
        for (String warn : r.warnings()) out.println(style.verdict(Verdict.SKIPPED, "warning: ") + warn);
        if (r.realSkipped() != null) out.println(style.verdict(Verdict.SKIPPED, "real side skipped: ") + r.realSkipped());
        if (r.failure() != null) out.println(style.verdict(Verdict.DIFFERS, "failed: ") + r.failure());
        out.println(summary(r));
        out.println();
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

    private static String cell(Object v) {
        String s = Values.show(v);
        return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 1) + "…" : s;
    }

    private static String line(String[] c, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            sb.append(i == 0 ? " " : "  ");
            sb.append(c[i]);
            if (i < c.length - 1) sb.append(" ".repeat(w[i] - c[i].length()));
        }
        return sb.toString();
    }
}
