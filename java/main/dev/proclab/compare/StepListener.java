package dev.proclab.compare;

import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;

/**
 * A hook between a lab's steps (run --step stops here, --predict asks here). The time a listener
 * takes is not charged to the lab's time budget: a student may look for as long as they like.
 */
public interface StepListener {
    /** Before step {@code number} (1-based) runs on either kernel; false stops the lab before it. */
    default boolean beforeStep(int number, Step step) {
        return true;
    }

    /**
     * After step {@code number} ran on both kernels, while every process is still as that step left
     * it. {@code realResult} and {@code realKernel} are null when the real side does not run. False
     * stops the lab here; it then ends as at its end (every process killed and reaped).
     */
    default boolean afterStep(int number, Step step, StepResult modelResult, StepResult realResult, Kernel modelKernel, Kernel realKernel) {
        return true;
    }

    /** Both listeners, a first; null stands for none. The lab goes on only while both say so. */
    static StepListener both(StepListener a, StepListener b) {
        if (a == null) return b;
        if (b == null) return a;
        return new StepListener() {
            @Override
            public boolean beforeStep(int number, Step step) {
                return a.beforeStep(number, step) && b.beforeStep(number, step);
            }

            @Override
            public boolean afterStep(int number, Step step, StepResult mr, StepResult rr, Kernel mk, Kernel rk) {
                return a.afterStep(number, step, mr, rr, mk, rk) && b.afterStep(number, step, mr, rr, mk, rk);
            }
        };
    }
}
