package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Signals;
import java.util.ArrayList;
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

    /**
     * __wake_up_parent(p, parent): every waiter on the group's wait_chldexit looks again, but one with
     * __WNOTHREAD only if parent is its own thread (child_wait_callback → pid_child_should_wake).
     */
    static void wakeParent(Task parent) {
        parent.signal.chldWakeups++;
        parent.ownWakeups++;
    }

    /** do_notify_parent: signal the parent; true when the child is to be autoreaped (SIGCHLD ignored). */
    boolean notifyParent(Task t, int sig) {
        Task parent = t.parent(); // tsk->parent: the tracer while traced
        wakeParent(parent); // __wake_up_parent: its waiters look again
        // a parent that exec'd since the fork (self_exec_id moved) gets SIGCHLD, not the signal it asked
        // for: do_notify_parent checks every sig but SIGCHLD, none (0) too
        if (sig >= 0 && sig != Signals.SIGCHLD && t.parentExecId != parent.selfExecId) sig = Signals.SIGCHLD;
        boolean autoreap = false;
        if (t.ptracer == null && sig == Signals.SIGCHLD && parent.sighand.ignores(Signals.SIGCHLD)) {
            autoreap = true;
            sig = 0;
        }
        // __send_signal_locked of the exit signal; SIGCHLD too: dropped where it is SIG_DFL, unless blocked or handled
        if (sig > 0) queueKernelSignal(parent, sig);
        return autoreap;
    }

    void queueKernelSignal(Task t, int sig) {
        w.kernelSignalTargets.add(t);
        w.kernelSignals.add(new long[] {sig});
    }

    /**
     * After a step's work: a blocked waiter the step woke runs __do_wait before it looks at its signals
     * (do_wait loops on __do_wait, and only then on signal_pending), so it reaps the child whose exit
     * signal is about to kill it; then the signals the kernel sent meanwhile take effect.
     */
    void settle() {
        if (!w.waiters.isEmpty()) w.exit.recheckWaiters();
        flushKernelSignals();
    }

    /**
     * The signals the kernel sent while a step ran (exit signals, SIGCHLD, SIGHUP and SIGCONT to an
     * orphaned group) are all queued before any of their targets runs: a second SIGCHLD that finds the
     * first still pending is lost (legacy_queue), as when a child's exit reparents a zombie to the same
     * parent. Then the threads they woke take them.
     */
    void flushKernelSignals() {
        while (!w.kernelSignalTargets.isEmpty()) {
            List<Task> targets = new ArrayList<>(w.kernelSignalTargets);
            List<long[]> sigs = new ArrayList<>(w.kernelSignals);
            w.kernelSignalTargets.clear();
            w.kernelSignals.clear();
            killedInOrder(targets, sigs);
            List<Task> late = waitersAfterChildren(targets);
            List<Task> early = stoppedVictimsFirst(targets, sigs);
            for (Task v : early) sendAndTake(targets, sigs, t -> t.groupLeader == v);
            sendAndTake(targets, sigs, t -> !waitsLate(late, t) && !waitsLate(early, t));
            for (Task waiter : late) {
                w.exit.scanBeforeSignals(waiter, () -> sendAndTake(targets, sigs, t -> t.groupLeader == waiter.groupLeader));
            }
        }
    }

    /**
     * Processes that one batch kills at once (kill_orphaned_pgrp's SIGHUP) exit in the order the scheduler
     * runs them, and each exit splices its children onto the reaper's list (forget_original_parent,
     * list_splice_tail): the reaper's children come out in that order. Where two or more victims have
     * children, the world chooses which exits first, then next; their signals move to the front in that
     * order. The model's first way is the batch's own order.
     */
    private void killedInOrder(List<Task> targets, List<long[]> sigs) {
        List<Task> victims = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Task t = targets.get(i);
            int sig = (int) sigs.get(i)[0];
            if (victims.contains(t.groupLeader) || !diesAtOnce(t, sig) || !hasChildren(t)) continue;
            victims.add(t.groupLeader);
        }
        if (victims.size() < 2) return;
        List<Task> order = new ArrayList<>();
        while (victims.size() > 1) {
            List<String> ways = new ArrayList<>();
            for (Task v : victims) ways.add(v.label() + " next");
            order.add(victims.remove(w.choose("which of the processes killed together exits next", ways)));
        }
        order.add(victims.get(0));
        List<Task> t2 = new ArrayList<>();
        List<long[]> s2 = new ArrayList<>();
        for (Task v : order) {
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i).groupLeader == v) {
                    t2.add(targets.get(i));
                    s2.add(sigs.get(i));
                }
            }
        }
        for (int i = 0; i < targets.size(); i++) {
            if (!order.contains(targets.get(i).groupLeader)) {
                t2.add(targets.get(i));
                s2.add(sigs.get(i));
            }
        }
        targets.clear();
        targets.addAll(t2);
        sigs.clear();
        sigs.addAll(s2);
    }

    /** complete_signal's fatal shortcut would end t's group as the signal is queued. */
    private boolean diesAtOnce(Task t, int sig) {
        return t.signal.live > 0 && fatal(t, sig) && !t.signal.groupExit && !t.signal.unkillable && !Signals.dumpsCore(sig)
                && t.ptracer == null && !t.blocks(sig) && chooseThread(t, sig) != null;
    }

    /** Some thread of t's group has children or tracees, which its exit hands to a reaper. */
    private static boolean hasChildren(Task t) {
        for (Task u = t.groupLeader; u != null; u = u.nextThread) if (u.firstChild != null || u.tracees > 0) return true;
        return false;
    }

    /** The batch's signals to the targets {@code which} accepts are queued, then the threads they woke take them. */
    private void sendAndTake(List<Task> targets, List<long[]> sigs, java.util.function.Predicate<Task> which) {
        batching = true;
        try {
            for (int i = 0; i < targets.size(); i++) if (which.test(targets.get(i))) signalGroup(targets.get(i), (int) sigs.get(i)[0], true);
        } finally {
            batching = false;
        }
        List<Task> wake = new ArrayList<>(toWake);
        toWake.clear();
        for (Task u : wake) deliver(u);
    }

    /**
     * A stopped process that the batch sends a fatal signal and SIGCONT (kill_orphaned_pgrp) dies only
     * when SIGCONT has woken it, after those the fatal shortcut ended as the signal was queued; but each
     * runs its exit on its own CPU, so it may die first. That shows where its parent dies in the same
     * batch: the child's exit is then told to the parent (reaped at once if it ignores SIGCHLD), not to
     * a reaper. The world chooses, for each such child; the model's first way is the queue's order.
     */
    private List<Task> stoppedVictimsFirst(List<Task> targets, List<long[]> sigs) {
        List<Task> first = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Task t = targets.get(i).groupLeader;
            int sig = (int) sigs.get(i)[0];
            if (first.contains(t) || t.signal.stopSig == 0 || t.signal.live == 0 || !fatal(t, sig) || t.blocks(sig)) continue;
            if (!sentInBatch(targets, sigs, t, Signals.SIGCONT)) continue;
            Task parent = t.realParent == null ? null : t.realParent.groupLeader;
            if (parent == null || parent.signal.stopSig != 0 || !targets.contains(parent)) continue;
            int k = targets.indexOf(parent);
            if (!diesAtOnce(parent, (int) sigs.get(k)[0])) continue;
            if (w.choose("whether " + t.label() + ", stopped, dies before its parent killed with it",
                    List.of(parent.label() + " first", t.label() + " first")) == 1) first.add(t);
        }
        return first;
    }

    private static boolean sentInBatch(List<Task> targets, List<long[]> sigs, Task t, int sig) {
        for (int i = 0; i < targets.size(); i++) if (targets.get(i).groupLeader == t && sigs.get(i)[0] == sig) return true;
        return false;
    }

    private static boolean waitsLate(List<Task> late, Task t) {
        for (Task waiter : late) if (waiter.groupLeader == t.groupLeader) return true;
        return false;
    }

    /**
     * A blocked waiter and a child of its group, both sent signals in one breath, run in whichever order
     * the scheduler picks: if the child's exit (or stop) comes first, the waiter's __do_wait finds it
     * before do_wait looks at signal_pending (kill_orphaned_pgrp's SIGHUP to a waiter and the child it
     * waits for: the waiter reaps it, then dies; seen both ways here). When the world chooses so, such a
     * waiter's signals go after the others have been taken, and it runs __do_wait first. The waiters returned.
     */
    private List<Task> waitersAfterChildren(List<Task> targets) {
        List<Task> late = new ArrayList<>();
        for (Task t : targets) {
            Task waiter = null;
            for (Task u = t.groupLeader; u != null && waiter == null; u = u.nextThread) {
                if (u.run == Task.WAIT && u.exitState == Task.ALIVE && !u.stopped && !u.traceStopped) waiter = u;
            }
            if (waiter == null || late.contains(waiter)) continue;
            boolean child = false;
            for (Task c : targets) {
                Task parent = c.realParent;
                child |= c.signal != t.signal && ((parent != null && parent.signal == t.signal) || (c.ptracer != null && c.ptracer.signal == t.signal));
            }
            if (!child) continue;
            String who = waiter.name != null ? waiter.name : "a waiter";
            if (w.choose("whether a woken waiter runs before its woken child", List.of(who + " first", who + "'s child first")) == 1) late.add(waiter);
        }
        return late;
    }

    /** While the kernel's own signals are being queued, the threads they wake run only afterwards. */
    private boolean batching;
    private final List<Task> toWake = new ArrayList<>();

    /** signal_wake_up: the thread takes what is pending for it now, or once the kernel's batch is queued. */
    private void wake(Task u) {
        if (!batching) deliver(u);
        else if (!toWake.contains(u)) toWake.add(u);
    }

    /**
     * Vfork parents woken meanwhile run only now, with what was sent to them in the same breath, and
     * after a parent woken in its wait by the same exit has taken its child. Whether any ran.
     */
    boolean resumeWoken() {
        boolean any = !resuming.isEmpty();
        while (!resuming.isEmpty()) {
            // threads of one group woken together (a tracer's exit lets them all go) each run on their own
            // CPU: whichever gets to get_signal first takes what the group has pending
            Task first = resuming.get(0);
            List<Task> mates = new ArrayList<>();
            for (Task u : resuming) if (u.signal == first.signal) mates.add(u);
            int k = 0;
            if (mates.size() > 1 && first.signal.pending != 0) {
                List<String> ways = new ArrayList<>();
                for (Task u : mates) ways.add(u.label() + " first");
                k = w.choose("which thread let go takes its group's pending signal first", ways);
            }
            Task next = mates.get(k);
            resuming.remove(next);
            w.fork.resumeFromVfork(next);
        }
        return any;
    }

    private final java.util.List<Task> resuming = new java.util.ArrayList<>();

    boolean anyWoken() {
        return !resuming.isEmpty();
    }

    /** A task woken in the step (a vfork parent let go, a tracee detached): it runs once the step's signals are sent and its waiters have run. */
    void resumeAfterStep(Task parent) {
        resuming.add(parent);
    }


    int kill(Task sender, Task target, String sigName) {
        int sig = Signals.number(sigName);
        if (sig < 0 || sig > 64) return Errno.EINVAL;
        if (target.exitState == Task.DEAD) return Errno.ESRCH;
        if (sender != null) {
            // the target must be visible in the sender's pid namespace
            if (!Pid.visible(target, sender.ns)) return Errno.ESRCH;
            // check_kill_permission: its own thread group always; else kill_ok_by_cred (kernel uids: a
            // process in a user namespace of its own is still its maker's uid), else CAP_KILL, else
            // SIGCONT within the sender's session (what job control needs); else EPERM, signal 0 too
            if (sender.signal != target.signal && sender.kuid != target.kuid && sender.kuid != target.ksuid
                    && sender.ksuid != target.kuid && sender.ksuid != target.ksuid) {
                // ns_capable(the target's user namespace, CAP_KILL)
                if (UserNs.capable(sender, target.userNs)) sender.flags |= PF_SUPERPRIV;
                else if (!(sig == Signals.SIGCONT && target.groupLeader.session == sender.groupLeader.session)) return Errno.EPERM;
            }
        }
        if (sig == 0) return 0;
        // from a pid namespace's ancestor, SIGKILL and SIGSTOP reach its init (sig_task_ignored's force)
        Task from = sender == null ? w.agent : sender; // a signal without a sender comes from the agent
        boolean force = !Pid.visible(from, target.ns);
        signalGroup(target, sig, force);
        settle();
        return 0;
    }

    /**
     * send_signal_locked: prepare_signal (a stop signal flushes SIGCONT; SIGCONT flushes the stop signals and
     * wakes a stopped group, whatever happens to SIGCONT itself), sig_ignored (a blocked signal is never
     * ignored, nor one to a tracee but SIGKILL; else sig_task_ignored: SIG_IGN, a default action of ignore,
     * an unkillable init's default actions), legacy_queue, then complete_signal. {@code force}: sent from an
     * ancestor pid namespace, or by the kernel (SEND_SIG_PRIV).
     */
    void signalGroup(Task t, int sig, boolean force) {
        Sig s = t.signal;
        if (s.live == 0) return; // a zombie: nothing to do
        boolean continued = false;
        if (isStopSignal(sig)) s.pending &= ~(1L << Signals.SIGCONT);
        else if (sig == Signals.SIGCONT) continued = doContinue(t);
        boolean ignored = !t.blocks(sig) && !(t.ptracer != null && sig != Signals.SIGKILL) && taskIgnored(t, sig, force);
        if (!ignored) {
            if (sig == Signals.SIGKILL) {
                w.exit.groupExit(t, Signals.SIGKILL); // complete_signal: every thread wants SIGKILL
                return;
            }
            if (!legacyQueued(s, sig)) {
                s.pending |= 1L << sig;
                completeSignal(t, sig);
            }
        }
        if (continued && s.live > 0) wakeContinued(t);
    }

    /** sig_task_ignored: the handler is SIG_IGN, or SIG_DFL with the action ignore; an unkillable init's SIG_DFL is ignored but for SIGKILL/SIGSTOP forced. */
    private boolean taskIgnored(Task t, int sig, boolean force) {
        if (t.sighand.handles(sig)) return false;
        if (t.signal.unkillable && !t.sighand.ignores(sig) && !(force && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP))) return true;
        return t.sighand.ignores(sig) || isDefaultIgnored(sig);
    }

    /** sig_fatal: a signal whose action is the default one, and that default ends the process. */
    private static boolean fatal(Task t, int sig) {
        return !isDefaultIgnored(sig) && !isStopSignal(sig) && !t.sighand.ignores(sig) && !t.sighand.handles(sig);
    }

    /**
     * complete_signal: the queued signal goes to a thread that wants it (the addressed one first); a fatal
     * one that dumps no core ends the group at once; else the chosen thread takes what is pending for it
     * (get_signal) — unless it sleeps in vfork's D, which only a fatal signal ends: it takes it on its return.
     * A tracee's signal waits for its tracer; nobody who wants it: it stays pending.
     */
    private void completeSignal(Task t, int sig) {
        Task taker = chooseThread(t, sig);
        if (taker == null) return; // every thread blocks it, or is stopped or traced: pending
        // the fatal shortcut: unless the addressed task is traced (its tracer hears of it first); it
        // spares an unkillable init (queued because the addressed thread blocks it, taken by another):
        // this kernel (6.18) hands it to that thread, whose get_signal drops it (/tmp/fmt-c/t6.c: a
        // plain process dies, a namespace's init lives)
        if (fatal(t, sig) && !t.signal.groupExit && !t.signal.unkillable && !Signals.dumpsCore(sig) && t.ptracer == null) {
            w.exit.groupExit(t, sig);
            return;
        }
        // a traced taker reports it to its tracer first (a signal-delivery stop the model does not follow):
        // pending; an untraced one takes it as ever, and may end the group, its traced threads too
        if (taker.ptracer != null) return;
        if (taker.run == Task.VFORK || taker.run == Task.EXEC) {
            // asleep where only a fatal signal wakes it (vfork, de_thread: both TASK_KILLABLE): a core dump
            // is the taking thread's own work, and a stop or a handler too: it takes them when it returns
            taker.sigpending = true;
            return;
        }
        wake(taker);
    }

    /**
     * get_signal in thread u, until nothing it does not block is pending: each signal in next_signal's order
     * is ignored (SIG_IGN, or a default action of ignore; an unkillable init's default actions), handled
     * (a frame for its handler: it runs once u is back in user mode), a stop (the tty ones thrown away in an
     * orphaned group: is_current_pgrp_orphaned) or the end of the group (do_group_exit, a core by u). The
     * handlers run when nothing stops u first; a fatal signal after them means they never run.
     */
    void deliver(Task u) {
        Sig s = u.signal;
        for (;;) {
            if (u.exitState != Task.ALIVE || s.live == 0 || u.stopped || u.traceStopped) return;
            if (u.run == Task.VFORK || u.run == Task.EXEC) {
                u.sigpending = true;
                return;
            }
            long ready = s.pending & ~u.blocked;
            if (ready == 0) break;
            int sig = nextSignal(ready);
            s.pending &= ~(1L << sig);
            if (u.ptracer != null) {
                // ptrace_signal: a tracee stops for its tracer with whatever signal it dequeues, an ignored
                // one too (signal-delivery-stop), and its tracer hears of it (CLD_TRAPPED)
                u.traceStopped = true;
                u.ptraceCode = sig;
                notifyCldstop(u.ptracer);
                return;
            }
            if (u.sighand.ignores(sig)) continue;
            if (u.sighand.handles(sig)) {
                setupFrame(u, sig);
                continue;
            }
            if (isDefaultIgnored(sig)) continue;
            if (s.unkillable && sig != Signals.SIGKILL && sig != Signals.SIGSTOP) continue; // init gets no signal it does not want
            if (isStopSignal(sig)) {
                takeStop(u, sig);
                continue;
            }
            w.exit.groupExit(u, sig);
            return;
        }
        runHandlers(u);
    }

    /** handle_signal → setup_rt_frame: the handler's frame is pushed; its signal is blocked while it runs (no SA_NODEFER, sa_mask empty). */
    private static void setupFrame(Task u, int sig) {
        if (u.frames == 0) u.blockedBeforeFrames = u.blocked;
        u.frames |= 1L << sig;
        u.blocked |= 1L << sig;
    }

    /**
     * Back in user mode, each handler set up runs (the agent's handler adds 1 to the process's variable
     * caught_SIGNAME, where the handle step made it) and returns through sigreturn, which restores the
     * mask; a thread in pause() sees it return (EINTR); a sleep, a wait or the command loop goes on.
     */
    void runHandlers(Task u) {
        if (u.frames == 0 || u.exitState != Task.ALIVE || u.stopped || u.traceStopped) return;
        long f = u.frames;
        u.frames = 0;
        u.blocked = u.blockedBeforeFrames;
        for (int sig = 1; sig < 64; sig++) {
            if ((f & 1L << sig) == 0) continue;
            String var = caughtVar(sig);
            if (u.mm != null && !u.execd && u.mm.var(var) >= 0) w.memory.writeVar(u, var, 1, true);
        }
        if (u.run == Task.BLOCK) u.run = Task.IDLE;
        if (u.run == Task.WAIT) u.waitWake = Long.MIN_VALUE; // its wait is restarted (SA_RESTART): it looks again
        // sigreturn restores the mask (set_current_blocked → recalc_sigpending): a signal that came while
        // the handler blocked it is taken on the way back to user mode, a second run of the handler
        if ((u.signal.pending & ~u.blocked) != 0) deliver(u);
    }

    /** The variable the agent's handler counts a signal in. */
    static String caughtVar(int sig) {
        return "caught_" + Signals.name(sig);
    }

    /**
     * do_notify_parent_cldstop: the group's stop or continue is told to the leader's real parent (or a
     * tracee's stop to its tracer) with SIGCHLD, unless SIGCHLD is SIG_IGN there (the lab never sets
     * SA_NOCLDSTOP); SIG_DFL drops it unless it is blocked or handled.
     */
    void notifyCldstop(Task to) {
        if (to == null || to.exitState != Task.ALIVE) return;
        wakeParent(to); // "Even if SIGCHLD is not generated, we must wake up wait4 calls."
        if (to.sighand.ignores(Signals.SIGCHLD)) return;
        queueKernelSignal(to, Signals.SIGCHLD);
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
     * wants_signal() (does not block it, not stopped, not already told of a signal), else the first of
     * its group that does; null when none does.
     */
    Task chooseThread(Task p, int sig) {
        if (wants(p, sig)) return p;
        for (Task u = p.groupLeader; u != null; u = u.nextThread) if (wants(u, sig)) return u;
        return null;
    }

    private static boolean wants(Task u, int sig) {
        return u.exitState == Task.ALIVE && !u.blocks(sig) && !u.stopped && !u.traceStopped && !u.sigpending;
    }

    /**
     * A thread that was told of a group signal and could not take it (a vfork parent in D), or a tracee let
     * go, takes what is pending for it when it runs again (get_signal).
     */
    void takePending(Task t) {
        if (!t.sigpending) return;
        t.sigpending = false;
        deliver(t);
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

    /**
     * do_signal_stop: every thread stops (T); the parent may collect it with WUNTRACED. A thread asleep in
     * vfork's D (TASK_KILLABLE: signal_wake_up does not wake it), or in a ptrace stop, counts in
     * group_stop_count and joins when it returns: until then the stop is not complete (no
     * SIGNAL_STOP_STOPPED, no CLD_STOPPED).
     */
    void doStop(Task t, int sig) {
        Sig s = t.signal;
        if (s.stopSig != 0) return;
        s.stopSig = sig;
        s.contNotify = false;
        boolean joinLater = false;
        for (Task u = t.groupLeader; u != null; u = u.nextThread) {
            if (u.exitState != Task.ALIVE) continue;
            // a tracee in a ptrace stop is counted too, and only told (ptrace_trap_notify, PT_SEIZED):
            // it joins when its tracer lets it go (__ptrace_unlink wakes it into do_signal_stop)
            if (u != t && (u.run == Task.VFORK || u.traceStopped)) {
                u.stopPending = true;
                // signal_wake_up sets TIF_SIGPENDING though it cannot wake a killable sleeper: from now
                // on wants_signal passes it by, so a fatal signal to the stopped group finds no taker
                if (u.run == Task.VFORK) u.sigpending = true;
                joinLater = true;
                continue;
            }
            // a wait that has just returned: the thread that stops is on its way back to user mode (get_signal
            // before the return); another may have got there first, or be caught by the stop too
            if (w.returnedInStep.contains(u) && (u == t || w.choose("whether a returned wait reaches user mode before the group stop",
                    List.of(u.label() + " returns first", u.label() + " stops first")) == 1)) {
                w.exit.untell(u);
            }
            u.stopped = true;
        }
        if (joinLater) return;
        s.stopNotify = true;
        notifyCldstop(t.groupLeader.realParent); // the group stop is complete: CLD_STOPPED
    }

    /** SIGNAL_STOP_STOPPED: a group stop every live thread has joined. */
    static boolean stopStopped(Sig s, Task leader) {
        if (s.stopSig == 0) return false;
        for (Task v = leader; v != null; v = v.nextThread) if (v.stopPending && v.exitState == Task.ALIVE) return false;
        return true;
    }

    /**
     * A thread that owed the group stop returns from its D (join: it stops too) or exits
     * (task_participate_group_stop in exit_signals); the last one completes the stop.
     */
    void joinGroupStop(Task u, boolean join) {
        if (!u.stopPending) return;
        u.stopPending = false;
        Sig s = u.signal;
        if (s.stopSig == 0) return;
        if (join && u.exitState == Task.ALIVE) u.stopped = true;
        for (Task v = u.groupLeader; v != null; v = v.nextThread) if (v.stopPending && v.exitState == Task.ALIVE) return;
        if (s.live == 0 && !join) return;
        s.stopNotify = true;
        notifyCldstop(u.groupLeader.realParent);
    }

    /** do_notify_parent_cldstop(CLD_CONTINUED) by the first thread to run: the parent, and the leader's tracer when another. */
    void tellContinued(Task leader) {
        leader.signal.contUntold = false;
        notifyCldstop(leader.realParent);
        if (leader.ptracer != null && leader.ptracer.signal != leader.realParent.signal) notifyCldstop(leader.ptracer);
    }

    /** prepare_signal for SIGCONT: every pending stop signal goes; a stopped group runs again (true). */
    boolean doContinue(Task t) {
        Sig s = t.signal;
        // prepare_signal: SIGCONT flushes every pending stop signal, stopped or not
        s.pending &= ~(1L << Signals.SIGSTOP | 1L << 20 | 1L << 21 | 1L << 22);
        if (s.stopSig == 0) return false;
        s.stopSig = 0;
        s.stopNotify = false;
        s.contNotify = true; // SIGNAL_CLD_CONTINUED
        for (Task u = t.groupLeader; u != null; u = u.nextThread) {
            u.stopped = false;
            u.stopPending = false;
            if (u.exitState == Task.ALIVE) w.exit.tellUntold(u);
            if (u.run == Task.PROG_SLEEP && u.busyUntil <= w.clock) w.exit.doExit(u, u.progStatus);
            else if ((u.run == Task.HOLD || u.run == Task.SPIN) && u.busyUntil <= w.clock) u.run = Task.IDLE;
        }
        return true;
    }

    /**
     * The threads SIGCONT woke (prepare_signal wakes them in thread order, the leader first): the first to
     * run tells the parent (CLD_CONTINUED, and the leader's tracer when it is not the parent), then each
     * takes what is pending for it. Which of several that could take a pending signal gets there first is
     * the scheduler's choice; the model's first way is the wake order.
     */
    private void wakeContinued(Task t) {
        Task leader = t.groupLeader;
        // prepare_signal wakes only __TASK_STOPPED: threads in a ptrace stop (t) stay there, and the
        // continue is told by the first thread that runs get_signal, later
        boolean runs = false;
        for (Task u = leader; u != null; u = u.nextThread) runs |= u.exitState == Task.ALIVE && !u.traceStopped;
        t.signal.contUntold = !runs;
        if (runs) tellContinued(leader);
        List<Task> woken = new ArrayList<>(), takers = new ArrayList<>();
        long matters = 0; // signals whose taker shows: a core dump (PF_DUMPCORE is its own), a handler (its pause ends)
        for (int sig = 1; sig < 64; sig++) if (Signals.dumpsCore(sig) || t.sighand.handles(sig)) matters |= 1L << sig;
        boolean choice = false;
        for (Task u = leader; u != null; u = u.nextThread) {
            if (u.exitState != Task.ALIVE || u.stopped || u.traceStopped) continue;
            woken.add(u);
            if (u.run == Task.VFORK || u.run == Task.EXEC || (t.signal.pending & ~u.blocked) == 0) continue;
            takers.add(u);
            choice |= (t.signal.pending & ~u.blocked & matters) != 0;
        }
        if (takers.size() > 1 && choice) {
            List<String> ways = new ArrayList<>();
            for (Task u : takers) ways.add(u.label() + " takes it");
            Task first = takers.get(w.choose("which woken thread takes the signal that waited for SIGCONT", ways));
            woken.remove(first);
            woken.add(0, first);
        }
        for (Task u : woken) wake(u);
    }
}
