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
    private final Since modelSince = new Since(), realSince = new Since();
    private boolean captureTrees;
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

    /**
     * @param real the real kernel, or null when it cannot run here
     * @param realSkipReason why the real side does not run (when real is null)
     */
    public LabResult run(Kernel model, Kernel real, String realSkipReason) {
        realSkipped = realSkipReason;
        try {
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
            long deadline = System.nanoTime() + timeoutNanos;
            for (int i = 0; i < steps.size(); i++) {
                int number = i + 1;
                Step step = steps.get(i);
                if (System.nanoTime() > deadline) {
                    failure = "the lab ran past its timeout of " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms before step " + number + " (" + describe(step) + ")";
                    break;
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
                        failure = "the real kernel failed at step " + number + " (" + describe(step) + "): " + e.getMessage();
                        realSkipped = "the real side stopped at step " + number;
                        real.close();
                        real = null;
                    }
                }
                note(number, step, m, "model");
                if (r != null) note(number, step, r, "real");
                if (step instanceof Step.Observe o) {
                    addRows(number, o, modelSince.apply(o, m.observations()), r == null ? null : realSince.apply(o, r.observations()));
                    if (captureTrees) {
                        tree(number, model);
                        if (r != null) tree(number, real);
                    }
                }
            }
            warnUnobservedFailures();
            return result();
        } finally {
            model.close();
            if (real != null) real.close();
        }
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
            if (!modelMeets) return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "the model missed the expected value; real side: " + why);
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.SKIPPED, why);
        }
        if (field.equals("pid") && !sandbox.pidNamespace()) {
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.SKIPPED, "pids are compared only inside a fresh pid namespace");
        }
        boolean realMeets = !hasExpect || Matching.meets(expected, rv, tol);
        boolean agree = Matching.same(mv, rv, tol);
        if (agree) {
            if (!realMeets) return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "both kernels answered otherwise than the lab expects");
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.MATCH, explain);
        }
        if (explain != null) {
            if (!realMeets) return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPECT_FAILED, "the real kernel missed the expected value; " + explain);
            return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.EXPLAINED, explain);
        }
        String note = !modelMeets && realMeets ? "the model is wrong here" : modelMeets && !realMeets ? "the real kernel did not do what the book says" : null;
        return new Row(number, mo.subject(), field, expected, mv, rv, Verdict.DIFFERS, note);
    }

    /** A failed step is the lab's error only if no later observe looks at that process's errno. */
    private void warnUnobservedFailures() {
        for (FailedStep f : failedSteps) {
            boolean looked = false;
            for (int j = f.step(); j < steps.size() && !looked; j++) {
                if (steps.get(j) instanceof Step.Observe o && o.fields().contains("errno") && o.procs().contains(f.proc())) looked = true;
            }
            if (!looked) {
                warnings.add("step " + f.step() + " (" + f.action() + (f.proc() == null ? "" : " in " + f.proc()) + ") failed with "
                        + f.errno() + " on the " + f.kernel() + " kernel, and no later observe looks at " + (f.proc() == null ? "it" : f.proc() + "'s errno"));
            }
        }
    }
}
