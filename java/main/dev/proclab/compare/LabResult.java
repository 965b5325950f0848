package dev.proclab.compare;

import dev.proclab.kernel.Event;
import dev.proclab.kernel.TaskView;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A lab's run on both kernels. {@code realSkipped} says why the real side did not run (null when it
 * did); {@code failure} says why a kernel could not finish the lab (the agent died, a step hung).
 */
public record LabResult(String lab, List<Row> rows, List<String> warnings, List<StepEvent> events,
                        List<Tree> trees, String realSkipped, String failure) {

    /** A kernel's lab processes as they were right after an observe step, for the family-tree picture. */
    public record Tree(int step, String kernel, List<TaskView> tasks) {}

    /** An event of a kernel during a step (an exec'd program's output, a timeout). */
    public record StepEvent(int step, String kernel, Event event) {}

    public Map<Verdict, Integer> summary() {
        Map<Verdict, Integer> m = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) m.put(v, 0);
        for (Row r : rows) m.merge(r.verdict(), 1, Integer::sum);
        return m;
    }

    public boolean failed() {
        for (Row r : rows) if (r.verdict().fails()) return true;
        return false;
    }
}
