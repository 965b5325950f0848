package dev.proclab.model;

import static dev.proclab.model.World.*;


/**
 * The lab's clock: holds and spins end, sleeping programs exit, blocked waiters are looked at again.
 */
final class Time {
    private final World w;

    Time(World w) {
        this.w = w;
    }


    /** The lab's clock moves: holds and spins end, sleeping programs exit. */
    void advance(long to) {
        while (!w.timed.isEmpty() && w.timed.peek().at() <= to) {
            Timer tm = w.timed.poll();
            Task next = tm.task();
            w.clock = Math.max(w.clock, tm.at());
            if (next.exitState != Task.ALIVE || next.busyUntil != tm.at()) continue; // gone, or a later hold replaced it
            if (next.run == Task.PROG_SLEEP) {
                if (!next.stopped && !next.traceStopped) w.exit.doExit(next, next.progStatus);
            } else if (next.run == Task.HOLD || next.run == Task.SPIN) {
                next.run = Task.IDLE;
            }
        }
        w.clock = Math.max(w.clock, to);
        w.steps.settle(null);
    }
}
