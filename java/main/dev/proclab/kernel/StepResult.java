package dev.proclab.kernel;

import java.util.List;

/**
 * What a step did. {@code errno} is the name of the error the step's system call failed with (the
 * lab goes on), or null. Observe steps answer with {@code observations}.
 */
public record StepResult(String errno, List<Observation> observations, List<Event> events) {
    public static final StepResult OK = new StepResult(null, List.of(), List.of());

    public static StepResult failed(String errno) {
        return new StepResult(errno, List.of(), List.of());
    }

    public static StepResult observed(List<Observation> observations) {
        return new StepResult(null, List.copyOf(observations), List.of());
    }
}
