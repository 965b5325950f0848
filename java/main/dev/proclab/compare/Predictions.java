package dev.proclab.compare;

import dev.proclab.kernel.Step;
import dev.proclab.kernel.Tolerance;
import dev.proclab.lab.AnswerSheet;
import dev.proclab.lab.Suggest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A student's predictions graded against a lab's expected rows (run --predict, --answers FILE). Each
 * expected row counts once: N is the number of expected rows, K those answered right. An answer is
 * right when it equals the lab's expected value (within the row's tolerance); for an object field,
 * when every key answered equals the expected one (one key may be answered alone).
 */
public final class Predictions {
    private Predictions() {}

    /** One expected row: what a student predicts. Its key is {@code STEP.SUBJECT.FIELD}. */
    public record Expected(int step, String subject, String field, Object expected, Tolerance tolerance) {
        public String key() {
            return step + "." + subject.replace(" ", "") + "." + field;
        }
    }

    /** A row graded: {@code answer} is null when {@code answered} is false. */
    public record Graded(Expected row, boolean answered, Object answer, boolean right, Object model, Object real) {}

    /** One answer file's (or one --predict session's) grade; {@code notes} are answers that could not be graded. */
    public record Score(String file, List<Graded> rows, List<String> notes) {
        public int right() {
            int n = 0;
            for (Graded g : rows) if (g.right()) n++;
            return n;
        }

        public int total() {
            return rows.size();
        }
    }

    /** Every expected row of a lab, in step order. */
    public static List<Expected> expected(List<Step> steps) {
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Observe o) out.addAll(expectedAt(i + 1, o));
        }
        return out;
    }

    /** The expected rows of one observe (step {@code number}): each subject by each expected field. */
    public static List<Expected> expectedAt(int number, Step.Observe o) {
        List<String> subjects = new ArrayList<>();
        if (!o.procs().isEmpty()) subjects.addAll(o.procs());
        else if (o.hostPid() != null) subjects.add("pid " + o.hostPid());
        else if (!o.system().isEmpty()) subjects.add("system");
        else if (!o.slab().isEmpty()) subjects.add("slab");
        List<Expected> out = new ArrayList<>();
        for (String s : subjects) {
            for (Map.Entry<String, Object> e : o.expect().entrySet()) {
                out.add(new Expected(number, s, e.getKey(), e.getValue(), o.tolerance().get(e.getKey())));
            }
        }
        return out;
    }

    /** Grades typed answers (--predict): key to value, as the prompts asked. */
    public static Score grade(String file, List<Expected> rows, Map<String, Object> answers, LabResult result) {
        List<AnswerSheet.Answer> list = new ArrayList<>();
        for (Map.Entry<String, Object> e : answers.entrySet()) list.add(new AnswerSheet.Answer(e.getKey(), e.getValue(), 0, 0));
        return grade(new AnswerSheet(file, list), rows, result);
    }

    /** Grades an answer file against the rows; the run's result gives each kernel's values. */
    public static Score grade(AnswerSheet sheet, List<Expected> rows, LabResult result) {
        Map<String, Expected> byKey = new LinkedHashMap<>();
        for (Expected x : rows) byKey.put(x.key(), x);
        Map<String, Object> given = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (AnswerSheet.Answer a : sheet.answers()) {
            String where = a.line() > 0 ? sheet.file() + ":" + a.line() + ":" + a.column() + ": " : "";
            Expected whole = byKey.get(a.key());
            if (whole != null) {
                Object before = given.get(whole.key());
                if (before instanceof Map<?, ?> m && a.value() instanceof Map<?, ?> v) given.put(whole.key(), merge(m, v));
                else given.put(whole.key(), a.value());
                continue;
            }
            Expected owner = null;
            for (Expected x : rows) {
                if (a.key().startsWith(x.key() + ".") && (owner == null || x.key().length() > owner.key().length())) owner = x;
            }
            if (owner == null) {
                notes.add(where + a.key() + " is not an expected row of this lab, so it is not graded"
                        + Suggest.or(Suggest.didYouMean(a.key(), byKey.keySet()), "; its rows are " + String.join(", ", byKey.keySet())));
                continue;
            }
            String sub = a.key().substring(owner.key().length() + 1);
            if (!(owner.expected() instanceof Map<?, ?> em) || !em.containsKey(sub)) {
                notes.add(where + a.key() + ": the lab does not check " + sub + " of " + owner.key() + ", so it is not graded");
                continue;
            }
            Object before = given.get(owner.key());
            Map<String, Object> m = new LinkedHashMap<>();
            if (before instanceof Map<?, ?> b) for (Map.Entry<?, ?> e : b.entrySet()) m.put(String.valueOf(e.getKey()), e.getValue());
            else if (before != null) notes.add(where + a.key() + " answers a key of " + owner.key() + ", which is also answered whole");
            m.put(sub, a.value());
            given.put(owner.key(), m);
        }
        List<Graded> graded = new ArrayList<>();
        for (Expected x : rows) {
            Row row = find(result, x);
            Object model = row == null ? null : row.model(), real = row == null ? null : row.real();
            if (!given.containsKey(x.key())) {
                graded.add(new Graded(x, false, null, false, model, real));
                continue;
            }
            Object answer = given.get(x.key());
            graded.add(new Graded(x, true, answer, right(x, answer, notes), model, real));
        }
        return new Score(sheet.file(), graded, notes);
    }

    private static Map<String, Object> merge(Map<?, ?> a, Map<?, ?> b) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : a.entrySet()) m.put(String.valueOf(e.getKey()), e.getValue());
        for (Map.Entry<?, ?> e : b.entrySet()) m.put(String.valueOf(e.getKey()), e.getValue());
        return m;
    }

    private static boolean right(Expected x, Object answer, List<String> notes) {
        if (!(x.expected() instanceof Map<?, ?> em)) return Matching.meets(x.expected(), answer, x.tolerance());
        if (!(answer instanceof Map<?, ?> am)) return false;
        boolean any = false;
        for (Map.Entry<?, ?> e : am.entrySet()) {
            if (!em.containsKey(e.getKey())) {
                notes.add(x.key() + "." + e.getKey() + ": the lab does not check this key, so it is not graded");
                continue;
            }
            any = true;
            if (!Matching.meets(em.get(e.getKey()), e.getValue(), x.tolerance())) return false;
        }
        return any;
    }

    private static Row find(LabResult result, Expected x) {
        if (result == null) return null;
        for (Row r : result.rows()) {
            if (r.step() == x.step() && Objects.equals(r.proc(), x.subject()) && r.field().equals(x.field())) return r;
        }
        return null;
    }
}
