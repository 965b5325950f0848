package dev.proclab.compare;

import dev.proclab.kernel.Event;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.lab.LabError;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule for blocked processes, checked before a lab runs (docs/lab-format.md, "Blocked
 * processes"): a step of a process that only a later step could wake (stopped, traced, in pause(),
 * a vfork parent, in a wait nothing ends) could never run. The reference model runs the lab once,
 * alone; each step it could not take for that reason is an error of the lab at that step, and so
 * is a step that no process could take at all (a step of a program, of a vfork child whose exec
 * failed other than exit or exec).
 */
public final class DryRun {
    private DryRun() {}

    /** The lab's errors; {@code model} is a fresh kernel, used up by this call. */
    public static List<LabError> blockedSteps(String file, List<Step> steps, Sandbox sandbox, Kernel model) {
        List<LabError> errors = new ArrayList<>();
        try (model) {
            model.begin(sandbox);
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                StepResult r;
                try {
                    r = model.apply(s);
                } catch (KernelException e) {
                    // a step no process could take (a vfork child's step whose exec failed): the lab's error
                    errors.add(new LabError(file, s.pos().line(), s.pos().column(), withoutPlace(e.getMessage(), s)));
                    continue;
                }
                for (Event e : r.events()) {
                    if (!e.kind().equals(Event.BLOCKED)) continue;
                    String since = since(steps, i, e.proc());
                    errors.add(new LabError(file, s.pos().line(), s.pos().column(), e.text()
                            + (since == null ? "" : "; " + since) + ", and no step before this one wakes it, so it could never run"));
                }
            }
        } catch (KernelException e) {
            // the sandbox is refused: the run says so
        }
        return errors;
    }

    /** The model says "line:col: action: what"; the error has its own place. */
    private static String withoutPlace(String m, Step s) {
        String prefix = s.pos() + ": " + s.action() + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** The last step before {@code i} that named {@code proc}: where it came to be blocked. */
    private static String since(List<Step> steps, int i, String proc) {
        if (proc == null) return null;
        for (int j = i - 1; j >= 0; j--) {
            Step s = steps.get(j);
            if (names(s, proc)) return "it is so since step " + (j + 1) + " (" + s.action() + " at line " + s.pos().line() + ")";
        }
        return null;
    }

    private static boolean names(Step s, String p) {
        if (p.equals(s.proc())) return true;
        if (s instanceof Step.Signal g) return p.equals(g.to());
        if (s instanceof Step.Ptrace t) return p.equals(t.target());
        if (s instanceof Step.SetPgid g) return p.equals(g.target());
        if (s instanceof Step.Wait w) return p.equals(w.target());
        if (s instanceof Step.Fork f) return p.equals(f.child());
        if (s instanceof Step.VFork f) return p.equals(f.child());
        if (s instanceof Step.Clone f) return p.equals(f.child());
        return false;
    }
}
