package dev.proclab.compare;

import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import java.util.ArrayList;
import java.util.List;

/** Keeps each kernel's process tree after every step (the HTML report steps through them). */
public final class TreeRecorder implements StepListener {
    private final List<LabResult.Tree> trees = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    @Override
    public boolean afterStep(int number, Step step, StepResult mr, StepResult rr, Kernel model, Kernel real) {
        record(number, model);
        if (real != null) record(number, real);
        return true;
    }

    private void record(int number, Kernel k) {
        try {
            trees.add(new LabResult.Tree(number, k.name(), k.tasks()));
        } catch (KernelException e) {
            problems.add("step " + number + ": the " + k.name() + " kernel's process tree could not be read: " + e.getMessage());
        }
    }

    public List<LabResult.Tree> trees() {
        return List.copyOf(trees);
    }

    /** Trees that could not be read, one sentence each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
