package dev.proclab.model;

/** sighand_struct: the dispositions; only SIG_DFL and SIG_IGN exist in the lab. */
final class Sighand {
    int count;
    long ignored;
    long obj;                // its slab object while tracing (Trace), else 0            // bit n: signal n is SIG_IGN

    boolean ignores(int sig) {
        return (ignored & (1L << sig)) != 0;
    }
}
