package dev.proclab.kernel;

/**
 * Something a kernel reports beside results: an exec'd program's output ("output"), a step that
 * timed out ("timeout"), a late completion such as a vfork parent resuming ("resumed"), a blocked
 * wait returning ("returned") or a blocked exec going on ("execd"), a wait or an exec that blocks
 * ("blocks"), a step its process could not take because it is blocked ("blocked") or gone
 * ("not-taken"), a note ("note").
 */
public record Event(String proc, String kind, String text) {
    /** A step not taken: its process is blocked, and only a later step could wake it. */
    public static final String BLOCKED = "blocked";
    /** A step not taken: its process has ended, was reaped, or was never created. */
    public static final String NOT_TAKEN = "not-taken";
    /** A wait that blocks in do_wait (its result comes later: "returned"), or an exec that waits in de_thread ("execd"). */
    public static final String BLOCKS = "blocks";
    public static final String RETURNED = "returned";
    /** An exec that waited in de_thread went on: its program runs now. */
    public static final String EXECD = "execd";
    public static final String RESUMED = "resumed";
    public static final String OUTPUT = "output";
    public static final String NOTE = "note";
}
