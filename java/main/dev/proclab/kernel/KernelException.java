package dev.proclab.kernel;

/** The kernel could not go on with the lab: the agent died, a step hung past its timeout, the machine refused. */
public final class KernelException extends Exception {
    public enum Kind { AGENT_FAILED, TIMEOUT, UNSUPPORTED, BAD_STEP }

    private final Kind kind;

    public KernelException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public KernelException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
