package dev.proclab.model;

/** Control flow for a step that is not taken: a lab error, or a process that cannot take it now. */
final class StepError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** The lab asks what it may not (the parser lets few of these through). */
        ERROR,
        /** The process is blocked and only a later step could wake it: the step is not taken. */
        BLOCKED,
        /** The process has ended, was reaped, or was never created: the step is not taken. */
        NOT_TAKEN
    }

    final Kind kind;

    StepError(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static StepError error(String message) {
        return new StepError(Kind.ERROR, message);
    }

    static StepError blocked(String message) {
        return new StepError(Kind.BLOCKED, message);
    }

    static StepError notTaken(String message) {
        return new StepError(Kind.NOT_TAKEN, message);
    }
}
