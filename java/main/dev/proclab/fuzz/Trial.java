package dev.proclab.fuzz;

import dev.proclab.compare.DryRun;
import dev.proclab.compare.LabResult;
import dev.proclab.compare.LabRunner;
import dev.proclab.kernel.Kernel;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import dev.proclab.lab.LabParser;
import java.util.List;

/** One run of a lab text on both kernels, exactly as `proclab run --file` would run it. */
final class Trial {
    /** What a run gave: the parsed lab and its result, or why the text is no lab to run. */
    record Result(Lab lab, LabResult result, Outcome outcome, String invalid) {
        boolean valid() {
            return invalid == null;
        }
    }

    private final Kernels kernels;
    private final java.time.Duration budget;

    Trial(Kernels kernels, java.time.Duration budget) {
        this.kernels = kernels;
        this.budget = budget;
    }

    Result run(String id, String text) {
        Lab lab;
        try {
            lab = LabParser.parse(text, id + ".yaml", id);
        } catch (LabException e) {
            return new Result(null, null, null, e.errors().get(0).toString());
        }
        List<LabError> refused = DryRun.blockedSteps(lab.file(), lab.steps(), lab.sandbox(), kernels.model(lab));
        if (!refused.isEmpty()) return new Result(lab, null, null, refused.get(0).toString());
        String whyNot = kernels.whyNot(lab);
        Kernel real = whyNot == null ? kernels.real(lab) : null;
        LabResult r = new LabRunner(lab.id(), lab.steps(), lab.sandbox()).withTimeout(budget).run(kernels.model(lab), real, whyNot);
        return new Result(lab, r, Outcome.of(r), null);
    }
}
