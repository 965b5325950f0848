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


    /** ptrace's answer for a PTRACE_SEIZE that waits for an exec's cred_guard_mutex: the call is still under way. */
    static final int BLOCKS = -1;

    /** ptrace_attach (PTRACE_SEIZE) + PTRACE_INTERRUPT: the target stops in t. */
    int ptrace(Task tracer, Task target) {
        if (target.exitState == Task.DEAD || !Pid.visible(target, tracer.ns)) return Errno.ESRCH;
        if ((target.flags & PF_KTHREAD) != 0) return Errno.EPERM;
        if (target.signal == tracer.signal) return Errno.EPERM; // same_thread_group
        // mutex_lock_interruptible(&task->signal->cred_guard_mutex): an exec holds it from
        // prepare_bprm_creds to setup_new_exec, so while it waits in de_thread the tracer waits (S)
        if (target.signal.groupExecTask != null) {
            tracer.run = Task.ATTACH;
            tracer.attachTarget = target;
            w.attachers.add(tracer);
            return BLOCKS;
        }
        return attach(tracer, target);
    }

    /** ptrace_attach holding cred_guard_mutex: the checks under it, the link, then PTRACE_INTERRUPT. */
    private int attach(Task tracer, Task target) {
        // __ptrace_may_access: the same uids, else CAP_SYS_PTRACE in the target's namespace; then a
        // dumpable mm, else CAP_SYS_PTRACE in the namespace the mm was made in (mm->user_ns)
        boolean needCap = tracer.kuid != target.kuid || tracer.kuid != target.ksuid;
        // yama_ptrace_access_check: scope 1 lets only ancestors attach without CAP_SYS_PTRACE
        if (w.cfg.yamaScope() >= 3) return Errno.EPERM;
        if (w.cfg.yamaScope() == 2 || w.cfg.yamaScope() == 1 && !isDescendant(target, tracer)) needCap = true;
        if (needCap) {
            // ptrace_has_cap(the target's user namespace, CAP_SYS_PTRACE)
            if (!UserNs.capable(tracer, target.userNs)) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        // task_still_dumpable: a task whose mm is gone (a zombie) answers with the dumpability exit_mm
        // saved, and overriding it takes CAP_SYS_PTRACE in the initial namespace (this kernel has
        // 31e62c2ebbfd, "ptrace: slightly saner 'get_dumpable()' logic")
        boolean dumpable = target.mm != null ? target.mm.dumpable : target.userDumpable;
        if (!dumpable) {
            if (!UserNs.capable(tracer, target.mm != null ? target.mm.userNs : UserNs.INIT)) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        // cap_ptrace_access_check: a target of another user namespace, or with capabilities its
        // tracer lacks, needs CAP_SYS_PTRACE in the target's namespace (root of a child namespace
        // has none over its parent's processes)
        if (!(tracer.userNs == target.userNs && (!target.nsCapable() || tracer.nsCapable()))) {
            if (!UserNs.capable(tracer, target.userNs)) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        // under tasklist_lock, after the permission checks (which may have marked the tracer)
        if (target.exitState != Task.ALIVE) return Errno.EPERM;
        if (target.ptracer != null) return Errno.EPERM;
        target.ptracer = tracer;
        target.attachSeq = ++w.attachCounter;
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

    /**
     * The PTRACE_SEIZEs that waited for an exec's cred_guard_mutex go on once that exec went on (or
     * was killed): the attach is made, to the task the call found (the program now; a task that
     * died meanwhile: EPERM). A stopped tracer goes on when continued (the call restarts). True
     * when one went on. {@code quiet}: one whose own step is still under way.
     */
    boolean settle(Task quiet) {
        boolean went = false;
        for (int i = 0; i < w.attachers.size(); ) {
            Task t = w.attachers.get(i);
            if (t.exitState != Task.ALIVE || t.run != Task.ATTACH) {
                w.attachers.remove(i);
                t.attachTarget = null;
                continue;
            }
            Task target = t.attachTarget;
            if (t.stopped || t.traceStopped || target.signal.groupExecTask != null) {
                i++;
                continue;
            }
            w.attachers.remove(i);
            t.run = Task.IDLE;
            t.attachTarget = null;
            t.errno = attach(t, target);
            if (t != quiet) {
                w.event(t.name, dev.proclab.kernel.Event.RETURNED, "ptrace(PTRACE_SEIZE) returned "
                        + (t.errno == 0 ? "0: " + (target.name == null ? "its target" : target.name) + " is traced" : Errno.name(t.errno)));
            }
            went = true;
            i = 0;
        }
        return went;
    }

    /**
     * An exec killed in de_thread lets go of cred_guard_mutex (free_bprm) while its task still lives,
     * and it exits only then: a PTRACE_SEIZE of that task waiting for the mutex runs on another CPU
     * and may attach it before exit_notify (then it exits traced, its zombie its tracer's first), or
     * find it exiting (EPERM). Which comes first is the kernel's choice; the model's first way is
     * that the exit does.
     */
    void attachDying(Task t) {
        for (Task a : List.copyOf(w.attachers)) {
            if (a.attachTarget != t || a.exitState != Task.ALIVE || a.run != Task.ATTACH || a.stopped || a.traceStopped) continue;
            String who = a.name == null ? "its tracer" : a.name;
            int way = w.choose("who goes first when an exec waiting in de_thread is killed",
                    List.of((t.name == null ? "the process" : t.name) + " exits first (" + who + "'s attach: EPERM)",
                            who + " attaches " + (t.name == null ? "it" : t.name) + " first, before it exits"));
            if (way == 0) return;
            w.attachers.remove(a);
            a.run = Task.IDLE;
            a.attachTarget = null;
            a.errno = attach(a, t);
            w.event(a.name, dev.proclab.kernel.Event.RETURNED, "ptrace(PTRACE_SEIZE) returned "
                    + (a.errno == 0 ? "0: " + (t.name == null ? "its target" : t.name) + " is traced, and exits so" : Errno.name(a.errno)));
            return;
        }
    }

    void trapStop(Task t) {
        t.trapPending = false;
        t.traceStopped = true;
        // do_jobctl_trap: a seized task of a stopped group reports the group's stop signal, else SIGTRAP
        int sig = t.signal.stopSig != 0 ? t.signal.stopSig : Signals.SIGTRAP;
        t.ptraceCode = sig | PTRACE_EVENT_STOP << 8;
        w.signal.notifyCldstop(t.ptracer); // ptrace_stop: do_notify_parent_cldstop(current, true, CLD_TRAPPED)
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
        boolean inGetSignal = t.traceStopped;
        t.ptracer.tracees--;
        w.tracedCount--;
        t.ptracer = null;
        t.traceStopped = false;
        t.trapPending = false;
        t.ptraceCode = 0;
        // a complete group stop takes it at once; one it still owes it joins when it runs (below)
        if (t.signal.stopSig != 0 && t.exitState == Task.ALIVE && !t.stopPending) t.stopped = true;
        // a continue nobody could tell while every thread was traced: this one runs get_signal now
        if (t.signal.contUntold && t.exitState == Task.ALIVE && !t.stopped && t.run != Task.VFORK) w.signal.tellContinued(t.groupLeader);
        // running again, it takes what was sent while it was traced (get_signal, no tracer to ask now)
        // (a vfork parent in D does not run: it takes them when its child lets it go)
        // It runs only after its tracer's exit is over (exit_notify included): a signal it then
        // dies of comes after the tracer's own end has been told. A tracee let go from a ptrace stop
        // is inside get_signal, which dequeues what is shared once it runs (the tracer's own exit
        // signal to the tracee's group included, though complete_signal chose another thread for it),
        // and takes it itself though a thread of its group is still traced.
        if (t.exitState == Task.ALIVE && !t.stopped && t.run != Task.VFORK
                && (inGetSignal || t.signal.pending != 0 && !traced(t) || t.stopPending)) {
            t.sigpending = true;
            w.signal.resumeAfterStep(t);
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
                    else if (gone = tracer.sighand.ignores(Signals.SIGCHLD)) Signal.wakeParent(tracer); // __wake_up_parent
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
