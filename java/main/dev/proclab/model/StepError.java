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
    /** The step would block its process for good where a lone step's refusal cannot be counted as a
     * failure: inside a repeat it refuses the whole repeat, as the agent could not go on either. */
    final boolean holdsRepeat;

    StepError(Kind kind, String message) {
        this(kind, message, false);
    }

    private StepError(Kind kind, String message, boolean holdsRepeat) {
        super(message, null, false, false);
        this.kind = kind;
        this.holdsRepeat = holdsRepeat;
    }

    /** BLOCKED, and inside a repeat too: the process would take the step and only then block. */
    static StepError wouldBlock(String message) {
        return new StepError(Kind.BLOCKED, message, true);
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
