package dev.proclab.fuzz;

import dev.proclab.kernel.Kernel;
import dev.proclab.lab.Lab;

/** Where the fuzzer gets its kernels; the command line builds them, told this machine's facts. */
public interface Kernels {
    /** The reference model for one lab. */
    Kernel model(Lab lab);

    /** A model that steers the generator (it knows the programs the generator may exec). */
    Kernel guide();

    /** This machine's kernel for one lab, or null when its real side cannot run here ({@link #whyNot}). */
    Kernel real(Lab lab);

    /** Why the lab's real side cannot run here, or null when it can. */
    String whyNot(Lab lab);
}
