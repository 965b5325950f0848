package dev.proclab.lab;

import dev.proclab.kernel.Iteration;
import dev.proclab.kernel.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Expanding {@code repeat}: {@code {i}} in process names is the innermost iteration, 0-based. The
 * real side sends a repeat to the agent whole; a kernel that runs step by step (the model) can
 * {@link #unroll} it.
 */
public final class Repeats {
    private Repeats() {}

    /** How many steps {@link #unroll} gives. */
    public static long count(List<Step> steps) {
        long n = 0;
        for (Step s : steps) {
            n += s instanceof Step.Repeat r ? r.times() * count(r.steps()) : 1;
            if (n < 0) return Long.MAX_VALUE;
        }
        return n;
    }

    /**
     * The steps with every repeat (nested ones too) replaced by its iterations, in order.
     *
     * @throws IllegalArgumentException when that is more than {@code limit} steps
     */
    public static List<Step> unroll(List<Step> steps, long limit) {
        long n = count(steps);
        if (n > limit) throw new IllegalArgumentException("unrolling gives " + n + " steps, more than " + limit);
        List<Step> out = new ArrayList<>((int) n);
        unroll(steps, out);
        return out;
    }

    private static void unroll(List<Step> steps, List<Step> out) {
        for (Step s : steps) {
            if (s instanceof Step.Repeat r) {
                for (int i = 0; i < r.times(); i++) {
                    List<Step> iteration = new ArrayList<>();
                    for (Step inner : r.steps()) iteration.add(Iteration.withIndex(inner, i));
                    unroll(iteration, out);
                }
            } else {
                out.add(s);
            }
        }
    }
}
