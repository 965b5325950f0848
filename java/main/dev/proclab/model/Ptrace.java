package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Signals;
import java.util.ArrayList;
import java.util.List;

/**
 * kernel/ptrace.c: ptrace_attach (PTRACE_SEIZE) with PTRACE_INTERRUPT, __ptrace_may_access, exit_ptrace.
 */
final class Ptrace {
    private final World w;

    Ptrace(World w) {
        this.w = w;
    }


    /** ptrace_attach (PTRACE_SEIZE) + PTRACE_INTERRUPT: the target stops in t. */
    int ptrace(Task tracer, Task target) {
        if (target.exitState == Task.DEAD || !Pid.visible(target, tracer.ns)) return Errno.ESRCH;
        if ((target.flags & PF_KTHREAD) != 0) return Errno.EPERM;
        if (target.signal == tracer.signal) return Errno.EPERM; // same_thread_group
        if (target.exitState != Task.ALIVE) return Errno.EPERM;
        if (target.ptracer != null) return Errno.EPERM;
        // __ptrace_may_access: same uids and a dumpable mm, else CAP_SYS_PTRACE
        boolean needCap = tracer.kuid != target.kuid || tracer.kuid != target.ksuid
                || target.mm != null && !target.mm.dumpable;
        // yama_ptrace_access_check: scope 1 lets only ancestors attach without CAP_SYS_PTRACE
        if (w.cfg.yamaScope() >= 3) return Errno.EPERM;
        if (w.cfg.yamaScope() == 2 || w.cfg.yamaScope() == 1 && !isDescendant(target, tracer)) needCap = true;
        if (needCap) {
            // ptrace_has_cap(the target's user namespace, CAP_SYS_PTRACE)
            if (!UserNs.capable(tracer, target.userNs)) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        // cap_ptrace_access_check: a target of another user namespace, or with capabilities its
        // tracer lacks, needs CAP_SYS_PTRACE in the target's namespace (root of a child namespace
        // has none over its parent's processes)
        if (!(tracer.userNs == target.userNs && (!target.nsCapable() || tracer.nsCapable()))) {
            if (!UserNs.capable(tracer, target.userNs)) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        target.ptracer = tracer;
        tracer.tracees++;
        w.tracedCount++;
        // PTRACE_INTERRUPT: the trap stop comes when the target next checks for signals; a vfork
        // parent in D (woken only by a fatal signal) reaches it only when its child lets it go
        // (ptrace_signal_wake_up sets TIF_SIGPENDING: until it runs, complete_signal passes it by,
        // so even a fatal signal only waits in its pending set)
        if (target.run == Task.VFORK) target.trapPending = target.sigpending = true;
        else trapStop(target);
        return 0;
    }

    void trapStop(Task t) {
        t.trapPending = false;
        t.traceStopped = true;
        t.ptraceCode = Signals.SIGTRAP | PTRACE_EVENT_STOP << 8;
    }

    /** A task back from vfork reaches the trap stop its tracer asked for meanwhile. */
    void takeTrap(Task t) {
        if (t.trapPending && t.ptracer != null && t.exitState == Task.ALIVE) trapStop(t);
        t.trapPending = false;
    }

    boolean isDescendant(Task t, Task ancestor) {
        for (Task u = t; u != null && u != w.swapper; u = u.realParent) if (u.signal == ancestor.signal) return true;
        return false;
    }

    void untrace(Task t) {
        t.ptracer.tracees--;
        w.tracedCount--;
        t.ptracer = null;
        t.traceStopped = false;
        t.trapPending = false;
        t.ptraceCode = 0;
        if (t.signal.stopSig != 0 && t.exitState == Task.ALIVE) t.stopped = true;
        // running again, it takes what was sent while it was traced (get_signal, no tracer to ask now)
        // (a vfork parent in D does not run: it takes them when its child lets it go)
        if (t.exitState == Task.ALIVE && !t.stopped && t.run != Task.VFORK && t.signal.pending != 0 && !traced(t)) {
            t.sigpending = true;
            w.signal.takePending(t);
        }
    }

    private boolean traced(Task t) {
        return w.signal.traced(t);
    }

    /**
     * exit_ptrace → __ptrace_detach: a tracer's tracees are detached and run again; a zombie among
     * them goes back to its real parent (told now, or reaped at once when it ignores SIGCHLD), a
     * zombie thread is released.
     */
    void exitPtrace(Task tracer) {
        if (tracer.tracees == 0) return;
        List<Task> dead = new ArrayList<>();
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            for (Task u = p; u != null; u = u.nextThread) {
                if (u.ptracer != tracer) continue;
                untrace(u);
                if (u.exitState != Task.ZOMBIE) continue;
                boolean gone = !u.isLeader();
                if (!gone && u.signal.nrThreads == 1) {
                    if (u.realParent.signal != tracer.signal) gone = w.signal.notifyParent(u, u.exitSignal);
                    else gone = tracer.sighand.ignores(Signals.SIGCHLD);
                }
                if (gone) dead.add(u);
            }
        }
        for (Task u : dead) w.exit.releaseTask(u, true);
    }

    /**
     * wait_task_zombie by a tracer that is not the parent (EXIT_TRACE): the tracee is unlinked and
     * handed to its real parent, which is told and may wait for it in turn (or it is reaped at once
     * when that parent ignores SIGCHLD). A thread, or the tracer's own child, is released.
     */
    void releaseToParent(Task u) {
        if (!u.isLeader() || u.realParent.signal == u.ptracer.signal) {
            w.exit.releaseTask(u, true);
            return;
        }
        untrace(u);
        if (w.signal.notifyParent(u, u.exitSignal)) w.exit.releaseTask(u, true);
    }
}
