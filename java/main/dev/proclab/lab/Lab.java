package dev.proclab.lab;

import dev.proclab.kernel.Capability;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed and validated lab (LAB-FORMAT.md). {@code file} is the name used in messages (a path, or
 * {@code classpath:dev/proclab/labs/ID.yaml} for a bundled lab); {@code path} is the file it was read
 * from, or null; {@code text} is the lab's source, for {@code proclab show} and for quoting a step's
 * line next to its result.
 */
public record Lab(
        String id,
        String title,
        String source,
        List<String> concepts,
        Set<Capability> requires,
        Sandbox sandbox,
        List<String> questions,
        List<Step> steps,
        String file,
        Path path,
        String text) {

    /** The source line {@code n} (1-based), without its line break; "" when out of range. */
    public String line(int n) {
        List<String> lines = text.lines().toList();
        return n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
    }

    /** Every observe step, in order (observes never sit inside a repeat). */
    public List<Step.Observe> observes() {
        List<Step.Observe> out = new ArrayList<>();
        for (Step s : steps) if (s instanceof Step.Observe o) out.add(o);
        return out;
    }

    /** Every exec step, in order, those inside repeats included: the programs the lab runs. */
    public List<Step.Exec> execs() {
        List<Step.Exec> out = new ArrayList<>();
        collectExecs(steps, out);
        return out;
    }

    private static void collectExecs(List<Step> steps, List<Step.Exec> out) {
        for (Step s : steps) {
            if (s instanceof Step.Exec e) out.add(e);
            else if (s instanceof Step.Repeat r) collectExecs(r.steps(), out);
        }
    }

    /** Whether the real side needs {@code c}. */
    public boolean needs(Capability c) {
        return requires.contains(c);
    }
}
