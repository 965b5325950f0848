package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Signals;
import java.util.ArrayList;
import java.util.List;

/**
 * kernel/pid.c and pid_namespace.c: put_pid/free_pid, which cache a pid comes from, visibility across
 * namespaces, pid-valued fields, and zap_pid_ns_processes.
 */
final class Pid {
    private final World w;

    Pid(World w) {
        this.w = w;
    }

    static int pidCache(PidNs ns) {
        return C_PID + Math.min(ns.level, 2);
    }

    /** zap_pid_ns_processes: the namespace's init is gone, so is everyone in it. */
    void zapPidNs(PidNs ns, Task reaper) {
        ns.adding = false; // disable_pid_allocation
        reaper.sighand.ignored |= 1L << Signals.SIGCHLD; // so the kernel reaps every child
        List<Task> in = new ArrayList<>();
        for (Task t = w.swapper.nextTask; t != w.swapper; t = t.nextTask)
            if (t.signal != reaper.signal && t.ns.level >= ns.level && t.ns.at(ns.level) == ns) in.add(t);
        for (Task t : in) if (t.signal.live > 0) w.exit.groupExit(t, Signals.SIGKILL);
        // kernel_wait4 loop: init reaps what is left among its children
        for (Task c = reaper.firstChild; c != null; ) {
            Task next = c.nextSibling;
            // a zombie traced from outside is its tracer's: kernel_wait4 sleeps until it is let go
            if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1 && !Exit.tracedAway(c)) w.exit.releaseTask(c, true);
            c = next;
        }
    }

    /** put_pid/free_pid: a pid number is free once no task uses it as pid, pgid or sid. */
    void putPid(Task t) {
        if (--t.pidRefs != 0) return;
        for (PidNs n = t.ns; n != null; n = n.parent) n.free(t.nr[n.level]);
        w.slab[pidCache(t.ns)]--;
        w.trace.free(Trace.PID, t.pidObj);
    }

    static boolean visible(Task t, PidNs view) {
        return t.ns.level >= view.level && t.ns.at(view.level) == view;
    }

    /** A pid-valued field: the lab name where the process has one, its number in {@code view} otherwise, 0 when outside. */
    Object pidRef(Task t, PidNs view) {
        if (t == null || !visible(t, view)) return 0L;
        if (t.name != null) return t.name;
        return (long) t.nr[view.level];
    }
}
