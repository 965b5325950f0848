package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Signals;

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
        // __ptrace_may_access: same uids, else CAP_SYS_PTRACE
        boolean needCap = tracer.uid != target.uid || tracer.uid != target.suid;
        // yama_ptrace_access_check: scope 1 lets only ancestors attach without CAP_SYS_PTRACE
        if (w.cfg.yamaScope() >= 3) return Errno.EPERM;
        if (w.cfg.yamaScope() == 2 || w.cfg.yamaScope() == 1 && !isDescendant(target, tracer)) needCap = true;
        if (needCap) {
            if (tracer.uid != 0) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        target.ptracer = tracer;
        tracer.tracees++;
        w.tracedCount++;
        target.traceStopped = true;
        target.ptraceCode = Signals.SIGTRAP | PTRACE_EVENT_STOP << 8;
        return 0;
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
        t.ptraceCode = 0;
        if (t.signal.stopSig != 0 && t.exitState == Task.ALIVE) t.stopped = true;
    }

    /** exit_ptrace: a tracer's tracees are detached and run again. */
    void exitPtrace(Task tracer) {
        if (tracer.tracees == 0) return;
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask)
            for (Task u = p; u != null; u = u.nextThread) if (u.ptracer == tracer) untrace(u);
    }
}
