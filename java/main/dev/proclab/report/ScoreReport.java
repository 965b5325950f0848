package dev.proclab.report;

import dev.proclab.compare.Predictions;
import dev.proclab.compare.Verdict;
import dev.proclab.kernel.Values;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Predictions graded: the score, each wrong prediction with both kernels' values, and the class view. */
public final class ScoreReport {
    private ScoreReport() {}

    /** One student's grade: the wrong and unanswered rows, the notes, and last the line {@code score K/N}. */
    public static void print(PrintStream out, Style style, Predictions.Score s, int width) {
        for (String n : s.notes()) Wrap.println(out, style.verdict(Verdict.SKIPPED, "note: ") + n, width, "  ");
        for (Predictions.Graded g : s.rows()) {
            if (g.right()) continue;
            String head = g.answered() ? "wrong: " + g.row().key() + ": you said " + Values.show(g.answer())
                    : "not answered: " + g.row().key();
            Object x = g.row().expected();
            Wrap.println(out, style.verdict(Verdict.DIFFERS, head) + "; the lab expects " + Values.show(x)
                    + "; model: " + Values.show(TerminalReport.shown(g.model(), x)) + ", real kernel: "
                    + Values.show(TerminalReport.shown(g.real(), x)), width, "  ");
        }
        out.println("score " + s.right() + "/" + s.total());
    }

    /** A class's answer files: one line each, how many got each row right, and the mean last. */
    public static void printClass(PrintStream out, List<Predictions.Score> scores, int width) {
        double sum = 0;
        for (Predictions.Score s : scores) {
            out.println("score " + s.right() + "/" + s.total() + "  " + s.file());
            for (String n : s.notes()) Wrap.println(out, "  note: " + n, width, "    ");
            sum += s.right();
        }
        if (scores.isEmpty()) return;
        out.println("each row, answered right by:");
        List<Predictions.Graded> first = scores.get(0).rows();
        for (int i = 0; i < first.size(); i++) {
            int right = 0;
            for (Predictions.Score s : scores) if (s.rows().get(i).right()) right++;
            out.println("  " + first.get(i).row().key() + "  " + right + "/" + scores.size());
        }
        out.println(String.format(java.util.Locale.ROOT, "class: %d answer files, mean score %.1f/%d", scores.size(), sum / scores.size(),
                scores.get(0).total()));
    }

    /** The {@code predictions} entry of the JSON document for one answer file or session. */
    public static Map<String, Object> json(Predictions.Score s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", s.file());
        m.put("right", s.right());
        m.put("total", s.total());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Predictions.Graded g : s.rows()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("key", g.row().key());
            r.put("answered", g.answered());
            r.put("answer", g.answer());
            r.put("expected", g.row().expected());
            r.put("model", g.model());
            r.put("real", g.real());
            r.put("right", g.right());
            rows.add(r);
        }
        m.put("rows", rows);
        m.put("notes", s.notes());
        return m;
    }
}
