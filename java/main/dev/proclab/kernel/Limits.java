package dev.proclab.kernel;

/**
 * The limits a lab must keep, in one place for the parser (which refuses what crosses them, with
 * file:line:column) and the agent (native/agent: LAB_NAME_MAX, MAX_DEPTH, ...). AgentLimitsTest
 * holds the agent to them: what the parser accepts, the agent runs.
 */
public final class Limits {
    private Limits() {}

    /** Bytes of a process, variable or region name, with {i} replaced by its largest number (LAB_NAME_MAX - 1). */
    public static final int NAME_BYTES = 63;
    /** How deep repeats may nest (the agent's MAX_DEPTH). */
    public static final int REPEAT_DEPTH = 16;
    /** Iterations of one repeat. */
    public static final int REPEAT_TIMES = 1_000_000;
    /** Pages of one map (4 KiB each: 4 GiB). */
    public static final int MAP_PAGES = 1 << 20;
    /** A hold, spin or pause: at most a day. */
    public static final long DURATION_MS = 86_400_000L;
    /** pid_max and pids_max (PID_MAX_LIMIT). */
    public static final int PID_MAX_LIMIT = 4 * 1024 * 1024;
    /** Words of one exec's argv (the agent packs them into its 64 KiB command). */
    public static final int ARGV_WORDS = 1024;
    /** Bytes of one exec's argv: room for JSON escaping within the agent's 64 KiB line. */
    public static final int ARGV_BYTES = 8 * 1024;
}
