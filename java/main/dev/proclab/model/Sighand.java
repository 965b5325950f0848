package dev.proclab.model;

/** sighand_struct: the dispositions: SIG_DFL, SIG_IGN (ignore) or the agent's counting handler (handle). */
final class Sighand {
    int count;
    long ignored;            // bit n: signal n is SIG_IGN
    long handled;            // bit n: signal n has the lab's handler
    long obj;                // its slab object while tracing (Trace), else 0

    boolean ignores(int sig) {
        return (ignored & (1L << sig)) != 0;
    }

    boolean handles(int sig) {
        return (handled & (1L << sig)) != 0;
    }
}
