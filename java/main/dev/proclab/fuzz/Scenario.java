package dev.proclab.fuzz;

import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.util.List;

/**
 * One generated lab: the seed it came from, where it runs, its steps, and the same lab as the text
 * of a lab file (which is what runs: the text is parsed like any user's lab).
 */
public record Scenario(long seed, Sandbox sandbox, List<Step> steps, String text) {
    /** The lab's id: its seed, so a file written for it is named after it. */
    public String id() {
        return idOf(seed);
    }

    public static String idOf(long seed) {
        return "fuzz-" + Long.toUnsignedString(seed, 36);
    }
}
