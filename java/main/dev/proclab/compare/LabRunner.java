package dev.proclab.compare;

import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.Tolerance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one lab's steps on the model and (when it can) on the real kernel, step by step in lockstep,
 * and turns each observe into rows. Both kernels are closed when it returns, whatever happened.
 */
public final class LabRunner {
    private final String labId;
    private final List<Step> steps;
    private final Sandbox sandbox;

    private final List<Row> rows = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<LabResult.StepEvent> events = new ArrayList<>();
    private final List<FailedStep> failedSteps = new ArrayList<>();
    private final List<LabResult.Tree> trees = new ArrayList<>();
    /** Each observe's answers, by step number, to compare again with another history of the model. */
    private final Map<Integer, List<Observation>> realAnswers = new LinkedHashMap<>();
    /** Whether the real kernel took each step it ran (its process not blocked, not gone). */
    private final Map<Integer, Boolean> realTook = new LinkedHashMap<>();
    /** The warnings of steps one kernel took and the other could not, in the model's first history. */
    private final List<String> takenMismatches = new ArrayList<>();
    private final Since modelSince = new Since(), realSince = new Since();
    private boolean captureTrees;
    private StepListener listener;
    private long timeoutNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    private String realSkipped;
    private String failure;

    private record FailedStep(int step, String action, String proc, String errno, String kernel) {}

    public LabRunner(String labId, List<Step> steps, Sandbox sandbox) {
        this.labId = labId;
        this.steps = steps;
        this.sandbox = sandbox;
    }

    /** The whole lab's time budget; past it the lab stops and is reported at the step it reached. */
    public LabRunner withTimeout(java.time.Duration timeout) {
        timeoutNanos = timeout.toNanos();
        return this;
    }

    /** Also keep each kernel's process tree after every observe (for the HTML report; costs a few reads). */
    public LabRunner withTrees() {
        captureTrees = true;
        return this;
    }

    /** Calls {@code l} around every step (run --step, --predict). */
    public LabRunner withListener(StepListener l) {
        listener = l;
        return this;
    }

    /**
     * @param real the real kernel, or null when it cannot run here
     * @param realSkipReason why the real side does not run (when real is null)
     */
    public LabResult run(Kernel model, Kernel real, String realSkipReason) {
        realSkipped = realSkipReason;
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            model.deadline(deadline);
            if (real != null) real.deadline(deadline);
            try {
                model.begin(sandbox);
            } catch (KernelException e) {
                failure = "the model could not start the lab: " + e.getMessage();
                return result();
            }
            if (real != null) {
                try {
                    real.begin(sandbox);
                } catch (KernelException e) {
                    if (e.kind() == KernelException.Kind.UNSUPPORTED) realSkipped = e.getMessage();
                    else failure = "the real kernel could not start the lab: " + e.getMessage();
                    real.close();
                    real = null;
                }
            }
            for (int i = 0; i < steps.size(); i++) {
                int number = i + 1;
                Step step = steps.get(i);
                if (System.nanoTime() > deadline) {
                    failure = "the lab ran past its time budget of " + budget() + " before step " + number + " (" + describe(step) + ")";
                    break;
                }
                if (listener != null) {
                    long t0 = System.nanoTime();
                    boolean go = listener.beforeStep(number, step);
                    deadline += System.nanoTime() - t0; // looking is not charged to the lab's budget
                    moveDeadline(model, real, deadline);
                    if (!go) break;
                }
                StepResult m;
                try {
                    m = model.apply(step);
                } catch (KernelException e) {
                    failure = "the model failed at step " + number + " (" + describe(step) + "): " + e.getMessage();
                    break;
                }
                StepResult r = null;
                if (real != null) {
                    try {
                        r = real.apply(step);
                    } catch (KernelException e) {
                        realSkipped = "the real side stopped at step " + number;
                        real.close();
                        real = null;
                        if (e.kind() == KernelException.Kind.TIMEOUT) {
                            // the budget ran out in this step: it is the step that hung; what came before stands
                            failure = "the lab ran past its time budget of " + budget() + " in step " + number + " (" + describe(step)
                                    + "): " + e.getMessage();
                            break;
                        }
                        failure = "the real kernel failed at step " + number + " (" + describe(step) + "): " + e.getMessage();
                    }
                }
                note(number, step, m, "model");
                if (r != null) note(number, step, r, "real");
                if (r != null) {
                    realTook.put(number, notTaken(r) == null);
                    compareTaken(number, step, m, r);
                }
                if (step instanceof Step.Observe o) {
                    List<Observation> realObs = r == null ? null : realSince.apply(o, r.observations());
                    addRows(number, o, modelSince.apply(o, m.observations()), realObs);
                    if (realObs != null) realAnswers.put(number, realObs);
                    if (captureTrees) {
                        tree(number, model);
                        if (r != null) tree(number, real);
                    }
                }
                if (listener != null) {
                    long t0 = System.nanoTime();
                    boolean go = listener.afterStep(number, step, m, r, model, real);
                    deadline += System.nanoTime() - t0;
                    moveDeadline(model, real, deadline);
                    if (!go) break;
                }
            }
            if (model instanceof dev.proclab.kernel.Branching b) otherHistories(b);
            warnUnobservedFailures();
            return result();
        } finally {
            model.close();
            if (real != null) real.close();
        }
    }

    /** Histories of the model tried at most, when the first one differs from the real kernel's. */
    static final int MAX_HISTORIES = 512;

    /**
     * Where the kernel may choose (which of two woken waiters runs first), the model ran the first
     * way. If a row then differs, the other ways are tried, model alone, in turn; a history whose
     * every answer agrees with the real kernel's is the one the kernel took, and the rows are those
     * of that history, each changed one saying why. No row is ever loosened: a history must agree
     * with all of them.
     */
    private void otherHistories(dev.proclab.kernel.Branching first) {
        if (first.choices().isEmpty() || realTook.isEmpty()) return;
        if (takenMismatches.isEmpty() && rows.stream().noneMatch(x -> x.verdict() == Verdict.DIFFERS)) return;
        List<Integer> arities = new ArrayList<>(first.choices());
        List<Integer> ways = new ArrayList<>(java.util.Collections.nCopies(arities.size(), 0));
        for (int tried = 0; tried < MAX_HISTORIES; tried++) {
            // the next history: the last choice that has another way takes it, later ones the first
            int j = ways.size() - 1;
            while (j >= 0 && ways.get(j) + 1 >= arities.get(j)) j--;
            if (j < 0) return;
            List<Integer> next = new ArrayList<>(ways.subList(0, j));
            next.add(ways.get(j) + 1);
            Kernel k = first.replay(next);
            Map<Integer, Boolean> took = new LinkedHashMap<>();
            Map<Integer, List<Observation>> answers = replay(k, took);
            dev.proclab.kernel.Branching b = (dev.proclab.kernel.Branching) k;
            arities = new ArrayList<>(b.choices());
            ways = new ArrayList<>(next);
            while (ways.size() < arities.size()) ways.add(0);
            if (answers == null) continue;
            List<Row> again = new ArrayList<>();
            for (Map.Entry<Integer, List<Observation>> e : answers.entrySet()) {
                if (steps.get(e.getKey() - 1) instanceof Step.Observe o) {
                    int before = rows.size();
                    addRows(e.getKey(), o, e.getValue(), realAnswers.get(e.getKey()));
                    again.addAll(rows.subList(before, rows.size()));
                    rows.subList(before, rows.size()).clear();
                }
            }
            if (again.stream().anyMatch(x -> x.verdict() == Verdict.DIFFERS)) continue;
            // and it takes the steps the real kernel took, and no other (a wait that did not return here)
            if (!took.entrySet().containsAll(realTook.entrySet())) continue;
            warnings.removeAll(takenMismatches);
            String how = describeWays(b, next);
            Map<String, Row> old = new LinkedHashMap<>();
            for (Row x : rows) old.put(x.step() + "\u0000" + x.proc() + "\u0000" + x.field(), x);
            rows.clear();
            for (Row x : again) {
                Row was = old.get(x.step() + "\u0000" + x.proc() + "\u0000" + x.field());
                boolean changed = was == null || !java.util.Objects.equals(was.model(), x.model());
                rows.add(changed && x.note() == null ? new Row(x.step(), x.proc(), x.field(), x.expected(), x.model(), x.real(), x.verdict(),
                        "the kernel took another allowed way: " + how) : x);
            }
            warnings.add("the real kernel took another of the ways the model allows: " + how);
            return;
        }
    }

    /** The model alone through the lab with other choices: each observe's answers (null if it cannot finish). */
    private Map<Integer, List<Observation>> replay(Kernel k, Map<Integer, Boolean> took) {
        Map<Integer, List<Observation>> out = new LinkedHashMap<>();
        Since since = new Since();
        try (k) {
            k.begin(sandbox);
            for (int i = 0; i < steps.size(); i++) {
                StepResult res = k.apply(steps.get(i));
                if (realTook.containsKey(i + 1)) took.put(i + 1, notTaken(res) == null);
                if (!(steps.get(i) instanceof Step.Observe o)) continue;
                List<Observation> obs = since.apply(o, res.observations());
                if (realAnswers.containsKey(i + 1)) out.put(i + 1, obs);
            }
            return out;
        } catch (KernelException e) {
            return null;
        }
    }

    private static String describeWays(dev.proclab.kernel.Branching b, List<Integer> ways) {
        List<String> said = new ArrayList<>();
        List<String> names = b.choiceNames();
        for (int i = 0; i < ways.size() && i < names.size(); i++) {
            if (ways.get(i) != 0) said.add(names.get(i) + ": " + b.choiceWays().get(i).get(ways.get(i)));
        }
        return String.join("; ", said);
    }

    /** The kernels that keep the budget themselves (the agent does) hear of time a listener took. */
    private static void moveDeadline(Kernel model, Kernel real, long deadline) {
        model.deadline(deadline);
        if (real != null) real.deadline(deadline);
    }

    private String budget() {
        long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** A step one kernel took and the other could not (its process blocked or gone): the rows after it will show why. */
    private void compareTaken(int number, Step step, StepResult model, StepResult real) {
        String m = notTaken(model), r = notTaken(real);
        String w = null;
        if (m == null && r != null) w = "step " + number + " (" + describe(step) + "): the real kernel could not take it (" + r + "); the model did";
        else if (m != null && r == null) w = "step " + number + " (" + describe(step) + "): the model could not take it (" + m + "); the real kernel did";
        if (w == null) return;
        warnings.add(w);
        takenMismatches.add(w);
    }

    private static String notTaken(StepResult res) {
        for (var e : res.events()) {
            if (e.kind().equals(dev.proclab.kernel.Event.BLOCKED) || e.kind().equals(dev.proclab.kernel.Event.NOT_TAKEN)) return e.text();
        }
        return null;
    }

    private LabResult result() {
        return new LabResult(labId, List.copyOf(rows), List.copyOf(warnings), List.copyOf(events), List.copyOf(trees), realSkipped, failure);
    }

    private void tree(int number, Kernel k) {
        try {
            trees.add(new LabResult.Tree(number, k.name(), k.tasks()));
        } catch (KernelException e) {
            warnings.add("step " + number + ": the " + k.name() + " kernel's process tree could not be read: " + e.getMessage());
        }
    }

    private void note(int number, Step step, StepResult res, String kernel) {
        for (var e : res.events()) events.add(new LabResult.StepEvent(number, kernel, e));
        if (res.errno() != null) failedSteps.add(new FailedStep(number, step.action(), actor(step), res.errno(), kernel));
    }

    private static String actor(Step step) {
        if (step instanceof Step.Repeat r) {
            for (Step s : r.steps()) if (s.proc() != null) return s.proc();
        }
        return step.proc();
    }

    static String describe(Step step) {
        String proc = actor(step);
        return step.action() + (proc == null ? "" : " in " + proc) + " at line " + step.pos().line();
    }

    private void addRows(int number, Step.Observe o, List<Observation> model, List<Observation> real) {
        Map<String, Observation> byKey = new LinkedHashMap<>();
        if (real != null) for (Observation ob : real) byKey.put(key(ob), ob);
        for (Observation mo : model) {
            Observation ro = real == null ? null : byKey.get(key(mo));
            rows.add(row(number, o, mo, ro));
        }
    }

    private static String key(Observation o) {
        return o.subject() + "\u0000" + o.field();
    }

    private Row row(int number, Step.Observe o, Observation mo, Observation ro) {
        String field = mo.field();
        // an expectation may be null itself ("errno: null": no error), so presence is asked, not the value
        boolean hasExpect = o.expect().containsKey(field);
        Object expected = o.expect().get(field);
        Tolerance tol = o.tolerance().get(field);
        String explain = o.explain().get(field);
        Object mv = mo.value(), rv = ro == null ? null : ro.value();
        boolean modelMeets = !hasExpect || (!mo.isSkipped() && Matching.meets(expected, mv, tol));

        if (ro == null || ro.isSkipped() || mo.isSkipped()) {
            String why = ro == null ? realSkipped : ro.isSkipped() ? ro.skipped() : "model: " + mo.skipped();
            // one side answered: it is still held to the lab's expectation
            if (!mo.isSkipped() && !modelMeets) {
                return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "the model missed the expected value; real side: " + why);
            }
            boolean realAnswered = ro != null && !ro.isSkipped();
            if (realAnswered && hasExpect && !Matching.meets(expected, rv, tol)) {
                return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "the real kernel missed the expected value; " + why);
            }
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.SKIPPED, why);
        }
        if (field.equals("pid") && !sandbox.pidNamespace()) {
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.SKIPPED, "pids are compared only inside a fresh pid namespace");
        }
        if (field.equals("ns_last_pid") && !sandbox.pidNamespace()) {
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.SKIPPED,
                    "the host's last pid moves with every process of the machine: compared only inside a fresh pid namespace");
        }
        if (dev.proclab.kernel.Fields.PID_VALUED.contains(field) && !sandbox.pidNamespace() && (hostNumber(mv) || hostNumber(rv))) {
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.SKIPPED,
                    "a process without a lab name is a host pid number here: compared only inside a fresh pid namespace");
        }
        boolean realMeets = !hasExpect || Matching.meets(expected, rv, tol);
        boolean agree = Matching.same(mv, rv, tol);
        if (agree) {
            if (!realMeets) return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "both kernels answered otherwise than the lab expects");
            if (explain == null && mv instanceof dev.proclab.kernel.Envelope e) explain = "the kernel may answer " + e + ": " + e.why();
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.MATCH, explain);
        }
        if (explain != null) {
            if (!realMeets) return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "the real kernel missed the expected value; " + explain);
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPLAINED, explain);
        }
        String note = !modelMeets && realMeets ? "the model is wrong here" : modelMeets && !realMeets ? "the real kernel did not do what the book says" : null;
        return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.DIFFERS, note);
    }

    /** A pid number other than 0 (0: outside the namespace), alone or in a list. */
    private static boolean hostNumber(Object v) {
        if (v instanceof Number n) return n.longValue() != 0;
        if (v instanceof List<?> l) for (Object o : l) if (hostNumber(o)) return true;
        return false;
    }

    /** A failed step is the lab's error only if no later observe looks at that process's errno. */
    private void warnUnobservedFailures() {
        // one warning a failed step: said once when both kernels failed it with the same errno
        Map<Integer, List<FailedStep>> byStep = new LinkedHashMap<>();
        for (FailedStep f : failedSteps) byStep.computeIfAbsent(f.step(), k -> new ArrayList<>()).add(f);
        for (List<FailedStep> fs : byStep.values()) {
            FailedStep f = fs.get(0);
            boolean same = fs.size() == 2 && java.util.Objects.equals(fs.get(0).errno(), fs.get(1).errno());
            for (FailedStep g : same ? List.of(f) : fs) {
                String where = "step " + g.step() + " (" + g.action() + (g.proc() == null ? "" : " in " + g.proc()) + ") failed with "
                        + g.errno() + (same ? " on both kernels" : " on the " + g.kernel() + " kernel");
                if (g.proc() == null) {
                    // a signal the lab sends itself (no sender): no process keeps its errno
                    warnings.add(where + "; a signal sent without a sender leaves no errno to observe");
                } else if (!looked(g)) {
                    warnings.add(where + ", and no later observe looks at " + g.proc() + "'s errno");
                }
            }
        }
    }

    private boolean looked(FailedStep f) {
        for (int j = f.step(); j < steps.size(); j++) {
            if (steps.get(j) instanceof Step.Observe o && o.fields().contains("errno") && o.procs().contains(f.proc())) return true;
        }
        return false;
    }
}
