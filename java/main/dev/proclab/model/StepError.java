package dev.proclab.model;

/** Control flow for a step that cannot be taken: a lab error, or a process that would never answer. */
final class StepError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final boolean timeout;

    StepError(boolean timeout, String message) {
        super(message, null, false, false);
        this.timeout = timeout;
    }
}
