package dev.proclab.cli;

/** proclab's exit codes (LAB-FORMAT.md, "Verdicts and exit codes"). */
public final class ExitCodes {
    /** No row differs and no expectation failed. */
    public static final int OK = 0;
    /** Some row is `differs` or `expect-failed`. */
    public static final int DIFFERS = 1;
    /** A bad command line or lab file. */
    public static final int BAD_INPUT = 2;
    /** The machine or the agent failed. */
    public static final int MACHINE = 3;

    private ExitCodes() {}
}
