package dev.proclab.kernel;

import java.util.List;

/**
 * The spine of proclab: a kernel that takes lab steps and answers observations. {@link
 * dev.proclab.model.ModelKernel} is the book's reference; {@code dev.proclab.real.RealKernel} is this
 * machine's kernel through proclab-agent. Both answer with the same values for the same truth.
 *
 * <p>Naming: pid-valued fields (ppid, tgid, pgid, sid, children, wait.pid) are given as the lab
 * name of the process where it has one, else as a number. Outside a pid namespace the agent process
 * itself is named {@code agent} (it is main's parent and the lab's subreaper); inside one, a parent
 * outside the namespace is 0.
 */
public interface Kernel extends AutoCloseable {
    /** "model" or "real". */
    String name();

    /**
     * The lab's time budget ends at this {@link System#nanoTime()}: every later step returns by then
     * (a kernel that waits for processes stops waiting, and says so with a TIMEOUT). Call before begin.
     */
    default void deadline(long nanoTime) {}

    /** Creates the lab's world: afterwards {@code main} exists (pid 1 of a fresh namespace if the sandbox asks). */
    void begin(Sandbox sandbox) throws KernelException;

    /** Performs one step and returns when its effect is visible; observe steps answer observations. */
    StepResult apply(Step step) throws KernelException;

    /** The lab's processes as they are now (living and zombie), for the family-tree picture. */
    List<TaskView> tasks() throws KernelException;

    /** Ends the lab: every process it started is gone afterwards. Never throws. */
    @Override
    void close();
}
