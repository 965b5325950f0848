package dev.proclab.fuzz;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one scenario showed. {@code unexplained}: what no rule accounts for: a row where model and
 * real differ, a step one kernel took and the other could not, a lab a kernel could not finish.
 * {@code explained}: rows the model itself declined to predict, with its reason (a program it does
 * not model). Each finding has a key (its kind and field) that the shrinker keeps while it cuts.
 */
public record Outcome(Kind kind, List<String> unexplained, List<String> explained, Set<String> keys, String realSkipped) {
    public enum Kind { AGREES, EXPLAINED, UNEXPLAINED, REAL_SKIPPED }

    private static final String TAKEN_WARNING = "could not take it";

    public static Outcome of(LabResult r) {
        List<String> bad = new ArrayList<>(), named = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (Row row : r.rows()) {
            if (row.verdict() == Verdict.DIFFERS) {
                bad.add("step " + row.step() + " " + row.proc() + "." + row.field() + ": model " + show(row.model()) + ", real " + show(row.real()));
                keys.add("differs " + row.field());
            } else if (row.verdict() == Verdict.EXPLAINED
                    || row.verdict() == Verdict.SKIPPED && row.note() != null && row.note().startsWith("model: ")) {
                named.add("step " + row.step() + " " + row.proc() + "." + row.field() + ": " + row.note());
            }
        }
        for (String w : r.warnings()) {
            if (!w.contains(TAKEN_WARNING)) continue;
            bad.add(w);
            keys.add("taken " + (w.contains("the model could not") ? "by real only" : "by model only"));
        }
        if (r.failure() != null) {
            bad.add(r.failure());
            keys.add("failure");
        }
        if (r.realSkipped() != null && r.rows().stream().noneMatch(x -> x.real() != null) && r.failure() == null) {
            return new Outcome(Kind.REAL_SKIPPED, List.of(), List.of(), Set.of(), r.realSkipped());
        }
        Kind k = !bad.isEmpty() ? Kind.UNEXPLAINED : !named.isEmpty() ? Kind.EXPLAINED : Kind.AGREES;
        return new Outcome(k, List.copyOf(bad), List.copyOf(named), Set.copyOf(keys), r.realSkipped());
    }

    public boolean unexplainedFinding() {
        return kind == Kind.UNEXPLAINED;
    }

    static String show(Object v) {
        String s = String.valueOf(v);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
