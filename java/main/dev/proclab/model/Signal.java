package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Signals;
import java.util.List;

/**
 * kernel/signal.c: kill → send_signal_locked (prepare_signal, complete_signal, sig_task_ignored), group
 * stop and continue, and do_notify_parent.
 */
final class Signal {
    private final World w;

    Signal(World w) {
        this.w = w;
    }

    /** do_notify_parent: signal the parent; true when the child is to be autoreaped (SIGCHLD ignored). */
    boolean notifyParent(Task t, int sig) {
        Task parent = t.parent(); // tsk->parent: the tracer while traced
        // a parent that exec'd since the fork (self_exec_id moved) gets SIGCHLD, not the signal it asked for
        if (sig > 0 && sig != Signals.SIGCHLD && t.parentExecId != parent.selfExecId) sig = Signals.SIGCHLD;
        boolean autoreap = false;
        if (t.ptracer == null && sig == Signals.SIGCHLD && parent.sighand.ignores(Signals.SIGCHLD)) {
            autoreap = true;
            sig = 0;
        }
        if (sig > 0 && sig != Signals.SIGCHLD) queueKernelSignal(parent, sig);
        return autoreap;
    }

    void queueKernelSignal(Task t, int sig) {
        w.kernelSignalTargets.add(t);
        w.kernelSignals.add(new long[] {sig});
    }

    void flushKernelSignals() {
        for (int i = 0; i < w.kernelSignalTargets.size(); i++) {
            Task t = w.kernelSignalTargets.get(i);
            signalGroup(t, (int) w.kernelSignals.get(i)[0], true);
        }
        w.kernelSignalTargets.clear();
        w.kernelSignals.clear();
    }

    /**
     * Vfork parents woken meanwhile run only now, with what was sent to them in the same breath, and
     * after a parent woken in its wait by the same exit has taken its child. Whether any ran.
     */
    boolean resumeWoken() {
        boolean any = !resuming.isEmpty();
        while (!resuming.isEmpty()) w.fork.resumeFromVfork(resuming.remove(0));
        return any;
    }

    private final java.util.List<Task> resuming = new java.util.ArrayList<>();

    /** A vfork parent whose child's exit woke it: it runs after the exit's signals are sent. */
    void resumeAfterKernelSignals(Task parent) {
        resuming.add(parent);
    }


    int kill(Task sender, Task target, String sigName) {
        int sig = Signals.number(sigName);
        if (sig < 0 || sig > 64) return Errno.EINVAL;
        if (target.exitState == Task.DEAD) return Errno.ESRCH;
        if (sender != null) {
            // the target must be visible in the sender's pid namespace
            if (!Pid.visible(target, sender.ns)) return Errno.ESRCH;
            // kill_ok_by_cred, else CAP_KILL
            // (kernel uids: a process in a user namespace of its own is still its maker's uid)
            // check_kill_permission: a thread may always signal its own group
            if (sender.signal != target.signal && sender.kuid != target.kuid && sender.kuid != target.ksuid && sender.ksuid != target.kuid && sender.ksuid != target.ksuid) {
                // ns_capable(the target's user namespace, CAP_KILL)
                if (UserNs.capable(sender, target.userNs)) sender.flags |= PF_SUPERPRIV;
                // check_kill_permission: SIGCONT may go to any process of the sender's session
                else if (!(sig == Signals.SIGCONT && target.groupLeader.session == sender.groupLeader.session)) return Errno.EPERM;
            }
        }
        if (sig == 0) return 0;
        // from a pid namespace's ancestor, SIGKILL and SIGSTOP reach its init (sig_task_ignored's force)
        Task from = sender == null ? w.agent : sender; // a signal without a sender comes from the agent
        boolean force = !Pid.visible(from, target.ns);
        signalGroup(target, sig, force);
        flushKernelSignals();
        return 0;
    }

    /**
     * send_signal_locked → prepare_signal + complete_signal, for the default dispositions of the
     * lab (the agent installs no handlers): stop, continue, ignore, or the whole group dies.
     */
    void signalGroup(Task t, int sig, boolean force) {
        Sig s = t.signal;
        if (s.live == 0) return; // a zombie: nothing to do
        boolean ignored = t.sighand.ignores(sig);
        // prepare_signal runs before sig_task_ignored: SIGCONT resumes a stopped group, an unkillable init too
        if (sig == Signals.SIGCONT) {
            doContinue(t);
            return;
        }
        // sig_task_ignored: an unkillable init takes only SIGKILL/SIGSTOP, and only from an ancestor namespace
        if (s.unkillable && !ignored && !(force && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP))) {
            // sig_ignored spares a traced target (its tracer may want to see it), SIGKILL excepted;
            // then get_signal of an unkillable group drops all but SIGKILL and SIGSTOP, unless the
            // taking thread is traced and reports it first
            if (t.ptracer == null || sig == Signals.SIGKILL || isDefaultIgnored(sig)) return;
            if (sig != Signals.SIGSTOP) {
                Task taker = chooseThread(t);
                if (taker == null || taker.ptracer != null) s.pending |= 1L << sig;
                return;
            }
        }
        if (sig == Signals.SIGKILL) {
            w.exit.groupExit(t, Signals.SIGKILL);
            return;
        }
        if (isStopSignal(sig)) {
            s.pending &= ~(1L << Signals.SIGCONT);
            if (ignored) return;
            if (legacyQueued(s, sig)) return;
            Task taker = chooseThread(t);
            if (traced(t) && (taker == null || taker.ptracer != null)) {
                s.pending |= 1L << sig; // a tracee stays in its ptrace stop; it takes the stop once let go
                return;
            }
            // an untraced thread takes it and starts the group stop; a tracee in its ptrace stop stays
            // in t, and shows T once its tracer lets it go
            if (taker == null) {
                s.pending |= 1L << sig; // nobody wants it (all stopped): queued, and SIGCONT will flush it
                return;
            }
            if (taker.run == Task.VFORK || taker.run == Task.EXEC) {
                // the chosen thread sleeps where only a fatal signal wakes it (vfork, de_thread: both
                // TASK_KILLABLE); the others never hear of it
                s.pending |= 1L << sig;
                taker.sigpending = true;
                return;
            }
            if (takesQueue(taker, s, sig)) return;
            takeStop(t, sig);
            return;
        }
        if (ignored || isDefaultIgnored(sig)) return;
        if (legacyQueued(s, sig)) return;
        Task taker = chooseThread(t);
        if (traced(t) && (taker == null || taker.ptracer != null)) {
            // no untraced thread of the group takes it: a tracee reports it to its tracer first
            s.pending |= 1L << sig;
            return;
        }
        if (taker == null) {
            // complete_signal: no stopped thread wants_signal() but SIGKILL; it stays pending until SIGCONT
            s.pending |= 1L << sig;
            return;
        }
        if ((Signals.dumpsCore(sig) || t.ptracer != null) && (taker.run == Task.VFORK || taker.run == Task.EXEC)) {
            // a core dump is the taking thread's own work (get_signal); complete_signal's shortcut that
            // kills the whole group at once is only for signals that dump no core, sent to a task that
            // is not traced (kill of a traced zombie thread's tid: the signal is the group's, but no
            // shortcut): a thread asleep where only that shortcut's SIGKILL wakes it takes it later
            s.pending |= 1L << sig;
            taker.sigpending = true;
            return;
        }
        // a fatal signal that dumps no core kills the group at once (complete_signal's shortcut); one
        // that dumps core is the taker's to dequeue, after what waits before it
        if (Signals.dumpsCore(sig) && takesQueue(taker, s, sig)) return;
        w.exit.groupExit(Signals.dumpsCore(sig) ? taker : t, sig);
    }

    /**
     * The thread complete_signal woke dequeues from the group's queue in next_signal's order, so a
     * signal that waited there (for a thread in vfork's D) is taken before the new one.
     */
    private boolean takesQueue(Task taker, Sig s, int sig) {
        if (s.pending == 0) return false;
        s.pending |= 1L << sig;
        taker.sigpending = true;
        takePending(taker);
        return true;
    }

    /** legacy_queue: a signal below SIGRTMIN already pending is not queued again; the second is lost. */
    private static boolean legacyQueued(Sig s, int sig) {
        return sig < 32 && (s.pending & (1L << sig)) != 0;
    }

    /** do_signal_stop, as the thread that took the signal runs it: orphaned groups discard the tty stops. */
    private void takeStop(Task t, int sig) {
        // SIGTSTP/SIGTTIN/SIGTTOU are discarded in an orphaned process group
        if (sig != Signals.SIGSTOP && w.exit.orphanedPgrp(t.groupLeader)) return;
        doStop(t, sig);
    }

    /**
     * complete_signal's choice of the thread that takes a group signal: the addressed one if it
     * wants_signal() (not stopped, not already told of a signal), else the first of its group that
     * does; null when none does (all stopped).
     */
    Task chooseThread(Task p) {
        if (wants(p)) return p;
        for (Task u = p.groupLeader; u != null; u = u.nextThread) if (wants(u)) return u;
        return null;
    }

    private static boolean wants(Task u) {
        return u.exitState == Task.ALIVE && !u.stopped && !u.traceStopped && !u.sigpending;
    }

    /**
     * A thread that was told of a group signal and could not take it (a vfork parent in D) takes it
     * when it runs again: the lowest pending signal first (next_signal).
     */
    void takePending(Task t) {
        if (!t.sigpending) return;
        t.sigpending = false;
        Sig s = t.signal;
        if (s.pending == 0 || t.exitState != Task.ALIVE || t.stopped || t.traceStopped) return;
        int sig = nextSignal(s.pending);
        // get_signal: what the group ignores by default, and for an unkillable init all but SIGKILL and
        // SIGSTOP, is dropped (a tracer, though, sees it first)
        if (t.ptracer == null && (isDefaultIgnored(sig) || s.unkillable && sig != Signals.SIGKILL && sig != Signals.SIGSTOP)) {
            s.pending &= ~(1L << sig);
            if (s.pending != 0) {
                t.sigpending = true;
                takePending(t);
            }
            return;
        }
        if (t.ptracer != null) {
            // ptrace_signal: a tracee stops for its tracer with the signal (signal-delivery-stop)
            s.pending &= ~(1L << sig);
            t.traceStopped = true;
            t.ptraceCode = sig;
            return;
        }
        s.pending &= ~(1L << sig);
        if (isStopSignal(sig)) {
            if (!t.sighand.ignores(sig)) takeStop(t, sig);
        } else if (!t.sighand.ignores(sig)) {
            w.exit.groupExit(t, sig);
        }
        if (s.pending != 0 && t.exitState == Task.ALIVE && !t.stopped) {
            t.sigpending = true;
            takePending(t);
        }
    }

    /** SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS: next_signal takes these first. */
    private static final long SYNCHRONOUS_MASK = 1L << 11 | 1L << 7 | 1L << 4 | 1L << 5 | 1L << 8 | 1L << 31;

    /** next_signal: the lowest pending signal, the synchronous ones before all others. */
    static int nextSignal(long pending) {
        long sync = pending & SYNCHRONOUS_MASK;
        return Long.numberOfTrailingZeros(sync != 0 ? sync : pending);
    }

    /** A live thread of t's group is traced (a traced zombie, left by de_thread, takes no signal). */
    boolean traced(Task t) {
        if (w.tracedCount == 0) return false;
        for (Task u = t.groupLeader; u != null; u = u.nextThread) if (u.ptracer != null && u.exitState == Task.ALIVE) return true;
        return false;
    }

    static boolean isStopSignal(int sig) {
        return sig == Signals.SIGSTOP || sig == 20 || sig == 21 || sig == 22;
    }

    static boolean isDefaultIgnored(int sig) {
        return sig == Signals.SIGCHLD || sig == Signals.SIGCONT || sig == 23 /* SIGURG */ || sig == 28 /* SIGWINCH */ || sig >= 32;
    }

    /** do_signal_stop: every thread stops (T); the parent may collect it with WUNTRACED. */
    void doStop(Task t, int sig) {
        Sig s = t.signal;
        if (s.stopSig != 0) return;
        s.stopSig = sig;
        s.stopNotify = true;
        s.contNotify = false;
        for (Task u = t.groupLeader; u != null; u = u.nextThread) if (u.exitState == Task.ALIVE) u.stopped = true;
    }

    void doContinue(Task t) {
        Sig s = t.signal;
        // prepare_signal: SIGCONT flushes every pending stop signal, stopped or not
        s.pending &= ~(1L << Signals.SIGSTOP | 1L << 20 | 1L << 21 | 1L << 22);
        if (s.stopSig == 0) return;
        s.stopSig = 0;
        s.stopNotify = false;
        s.contNotify = true; // SIGNAL_CLD_CONTINUED
        for (Task u = t.groupLeader; u != null; u = u.nextThread) {
            u.stopped = false;
            if (u.run == Task.PROG_SLEEP && u.busyUntil <= w.clock) w.exit.doExit(u, u.progStatus);
            else if ((u.run == Task.HOLD || u.run == Task.SPIN) && u.busyUntil <= w.clock) u.run = Task.IDLE;
        }
        // (a tracee in its ptrace stop stays there: it reports what is pending to its tracer first)
        if (s.pending != 0 && s.live > 0 && !traced(t)) {
            int sig = nextSignal(s.pending);
            s.pending = 0;
            Task taker = t;
            if (Signals.dumpsCore(sig)) {
                // every woken thread goes back to get_signal: whichever runs first dequeues it, and
                // dumps the core (PF_DUMPCORE is its own)
                List<Task> live = new java.util.ArrayList<>();
                for (Task u = t.groupLeader; u != null; u = u.nextThread) if (u.alive() && !u.traceStopped && u.run != Task.VFORK) live.add(u);
                if (live.size() > 1) {
                    List<String> ways = new java.util.ArrayList<>();
                    for (Task u : live) ways.add((u.name != null ? u.name : "a thread") + " takes it");
                    taker = live.get(w.choose("which woken thread takes the signal that waited for SIGCONT", ways));
                } else if (live.size() == 1) {
                    taker = live.get(0);
                }
            }
            w.exit.groupExit(taker, sig);
        }
    }
}
