package dev.proclab.compare;

/** The verdict of one row (LAB-FORMAT.md, "Verdicts and exit codes"). */
public enum Verdict {
    MATCH("match"),
    DIFFERS("differs"),
    EXPLAINED("explained"),
    EXPECT_FAILED("expect-failed"),
    SKIPPED("skipped");

    private final String id;

    Verdict(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether a row with this verdict makes `proclab run` exit 1. */
    public boolean fails() {
        return this == DIFFERS || this == EXPECT_FAILED;
    }
}
