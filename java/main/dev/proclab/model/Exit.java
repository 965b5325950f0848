package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Signals;
import dev.proclab.kernel.WaitStatus;
import java.util.List;

/**
 * kernel/exit.c: do_exit, exit_notify (forget_original_parent, reparenting, zap of a namespace),
 * release_task, do_group_exit, orphaned process groups, and do_wait with its wait_task_* helpers.
 */
final class Exit {
    private final World w;

    Exit(World w) {
        this.w = w;
    }


    /** do_exit for one task (SYS_exit); {@code code} is already the wait status (exit code << 8, or the signal). */
    void doExit(Task t, int code) {
        if (t.exitState != Task.ALIVE) return;
        t.flags |= PF_EXITING; // exit_signals
        w.trace.event(t, "sched_process_exit", null, null);
        Sig s = t.signal;
        s.live--;
        t.stopped = false;
        t.traceStopped = false;
        if (t.run == Task.WAIT) w.waiters.remove(t);
        t.run = Task.IDLE;
        if (t.ptracer != null) w.ptrace.untrace(t); // __ptrace_unlink (the model lets the real parent see the exit)
        w.ptrace.exitPtrace(t);
        // exit_mm, exit_files, exit_fs
        if (t.mm != null) {
            Mm m = t.mm;
            t.mm = null;
            w.memory.mmput(m);
        }
        w.fork.releaseVfork(t); // mm_release → complete_vfork_done
        if (t.files != null && --t.files.count == 0) {
            w.slab[C_FILES]--;
            w.trace.free(Trace.FILES, t.files.obj);
        }
        t.files = null;
        if (t.fs != null && --t.fs.count == 0) {
            w.slab[C_FS]--;
            w.trace.free(Trace.FS, t.fs.obj);
        }
        t.fs = null;
        if (t.vforkChild != null) { // a vfork parent killed in D: the child goes on
            t.vforkChild.vforkParent = null;
            t.vforkChild = null;
        }
        t.exitCode = code;
        // exit_notify → forget_original_parent
        forgetOriginalParent(t);
        t.exitState = Task.ZOMBIE;
        if (t.isLeader()) {
            // a leader with live threads stays a zombie unreported (delay_group_leader)
            // do_notify_parent sends the exit signal (SIGCHLD), ignored or not: signal_generate
            if (s.nrThreads == 1 && t.exitSignal > 0) w.trace.event(t, "signal_generate", t.parent(), Signals.name(t.exitSignal));
            if (s.nrThreads == 1 && w.signal.notifyParent(t, t.exitSignal)) releaseTask(t, true);
        } else {
            releaseTask(t, true); // threads are autoreaped (exit_signal -1)
        }
    }

    /** find_child_reaper + find_new_reaper + reparent_leader. */
    void forgetOriginalParent(Task father) {
        PidNs ns = father.ns;
        Task childReaper = ns.childReaper;
        if (childReaper == father) {
            Task alive = findAliveThread(father);
            if (alive != null) {
                ns.childReaper = alive;
                childReaper = alive;
            } else {
                w.pid.zapPidNs(ns, father);
                childReaper = father;
            }
        }
        if (father.firstChild == null) return;
        Task reaper = findNewReaper(father, childReaper);
        if (reaper == father) {
            // a dying namespace init keeps what zap_pid_ns_processes left: zombies are reaped
            for (Task c = father.firstChild; c != null; ) {
                Task next = c.nextSibling;
                if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1) releaseTask(c, true);
                c = next;
            }
            return;
        }
        boolean sameGroup = reaper.signal == father.signal;
        for (Task c = father.firstChild; c != null; ) {
            Task next = c.nextSibling;
            for (Task t = c; t != null; t = t.nextThread) t.realParent = reaper;
            Fork.unlinkChild(father, c);
            Fork.linkChild(reaper, c); // list_splice_tail_init: appended in order
            if (!sameGroup && c.exitState != Task.DEAD) {
                c.exitSignal = Signals.SIGCHLD; // "We don't want people slaying init"
                if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1 && c.ptracer == null && w.signal.notifyParent(c, c.exitSignal))
                    releaseTask(c, true);
            }
            c = next;
        }
    }

    static Task findAliveThread(Task p) {
        for (Task t = p.groupLeader; t != null; t = t.nextThread) if ((t.flags & PF_EXITING) == 0) return t;
        return null;
    }

    /** find_new_reaper: a live thread of the group, else the nearest subreaper ancestor in the namespace, else its init. */
    Task findNewReaper(Task father, Task childReaper) {
        Task th = findAliveThread(father);
        if (th != null) return th;
        int level = father.ns.level;
        for (Task r = father.realParent; r != null && r.ns.level == level; r = r.realParent) {
            if (r == w.swapper) break;
            if (!r.signal.isChildSubreaper) continue;
            th = findAliveThread(r);
            if (th != null) return th;
        }
        return childReaper;
    }

    /** release_task: the task is gone; the last thread of a zombie leader's group lets it be reported. */
    void releaseTask(Task p, boolean notifyLeader) {
        if (p.exitState == Task.DEAD) return;
        if (p.exitState == Task.ALIVE) throw new IllegalStateException("release of a live task");
        w.nprocOf(p.uid)[0]--;
        if (p.inCgroup) w.cgroupCount--;
        w.nrThreads--;
        Sig s = p.signal;
        s.nrThreads--;
        Task leader = p.groupLeader;
        if (p == leader) {
            Fork.unlinkChild(p.realParent, p);
            p.prevTask.nextTask = p.nextTask;
            p.nextTask.prevTask = p.prevTask;
            p.prevTask = p.nextTask = null;
        } else {
            s.minfltDead += p.minflt;
            Task t = leader;
            while (t != null && t.nextThread != p) t = t.nextThread;
            if (t != null) t.nextThread = p.nextThread;
            p.nextThread = null;
        }
        if (--p.sighand.count == 0) { // __cleanup_sighand
            w.slab[C_SIGHAND]--;
            w.trace.free(Trace.SIGHAND, p.sighand.obj);
        }
        if (s.nrThreads == 0) { // free_signal_struct
            w.slab[C_SIGNAL]--;
            w.trace.free(Trace.SIGNAL, s.obj);
        }
        p.exitState = Task.DEAD;
        w.slab[C_TASK]--;
        // put_task_struct (after an RCU grace period on the real kernel): the task_struct and its cred
        w.trace.event(p, "sched_process_free", null, null);
        w.trace.free(Trace.TASK, p.taskObj);
        if (p.cred != null && --p.cred.count == 0) w.trace.free(Trace.CRED, p.cred.obj);
        for (PidNs n = p.ns; n != null; n = n.parent) if (n.find(p.nr[n.level]) == p) n.detach(p.nr[n.level]);
        w.pid.putPid(p);
        w.pid.putPid(p.pgrp);
        w.pid.putPid(p.session);
        if (notifyLeader && leader != p && leader.exitState == Task.ZOMBIE && s.nrThreads == 1) {
            if (w.signal.notifyParent(leader, leader.exitSignal)) releaseTask(leader, true);
        }
    }

    /** do_group_exit via a fatal signal: every thread exits with the signal (no core dump in the model). */
    void groupExit(Task t, int sig) {
        Sig s = t.signal;
        s.groupExit = true;
        s.groupExitCode = WaitStatus.killed(sig);
        s.stopSig = 0;
        s.pending = 0;
        Task leader = t.groupLeader;
        // other threads first; the leader last, so that it is reported at once
        for (Task u = leader.nextThread; u != null; ) {
            Task next = u.nextThread;
            if (u.exitState == Task.ALIVE) {
                u.flags |= PF_SIGNALED;
                doExit(u, WaitStatus.killed(sig));
            }
            u = next;
        }
        if (leader.exitState == Task.ALIVE) {
            leader.flags |= PF_SIGNALED;
            doExit(leader, WaitStatus.killed(sig));
        }
    }

    /** will_become_orphaned_pgrp(pgrp, NULL): no member has a parent in another pgrp of the same session. */
    boolean orphanedPgrp(Task leader) {
        Task pgrp = leader.pgrp;
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            if (p.pgrp != pgrp) continue;
            if (p.exitState != Task.ALIVE && p.signal.nrThreads == 1) continue;
            Task par = p.realParent.groupLeader;
            if (par == w.init) continue;
            if (par.pgrp != pgrp && par.session == p.session) return false;
        }
        return true;
    }


    int waitStep(Task waiter, String target, List<String> options) {
        int opts = 0;
        for (String o : options == null ? List.<String>of() : options) {
            switch (o) {
                case "WNOHANG" -> opts |= WNOHANG;
                case "WUNTRACED" -> opts |= WUNTRACED;
                case "WCONTINUED" -> opts |= WCONTINUED;
                case "WNOWAIT" -> opts |= WNOWAIT;
                case "__WALL" -> opts |= WALL;
                case "__WCLONE" -> opts |= WCLONE;
                default -> throw new StepError(false, "unknown wait option " + o);
            }
        }
        boolean any = target == null || target.equals("any");
        Task t = any ? null : w.steps.lookup(target);
        w.trace.event(waiter, "sched_process_wait", t, any ? "any" : null);
        int r = tryWait(waiter, t, any, opts);
        if (r == 0) return 0;
        if (r == -2) {
            waiter.waitValid = false;
            return Errno.ECHILD;
        }
        if ((opts & WNOHANG) != 0) {
            waiter.waitValid = true;
            waiter.waitTask = null;
            waiter.waitStatus = 0;
            return 0;
        }
        // blocks in do_wait until a child changes state
        waiter.run = Task.WAIT;
        waiter.waitTarget = t;
        waiter.waitAny = any;
        waiter.waitOpts = opts;
        w.waiters.add(waiter);
        throw new StepError(true, waiter.name + " blocks in waitpid(): no child has changed state");
    }

    /** do_wait over the children (and tracees) of every thread of the group: 0 done, -1 none ready, -2 ECHILD. */
    int tryWait(Task waiter, Task target, boolean any, int opts) {
        boolean eligible = false;
        for (Task th = waiter.groupLeader; th != null; th = th.nextThread) {
            for (Task c = th.firstChild; c != null; c = c.nextSibling) {
                if (!any && c != target) continue;
                // eligible_child: a "clone" child (exit signal not SIGCHLD) only with __WCLONE or __WALL
                boolean clone = c.exitSignal != Signals.SIGCHLD;
                if (clone != ((opts & WCLONE) != 0) && (opts & WALL) == 0) continue;
                eligible = true;
                if (considerTask(waiter, c, opts)) return 0;
            }
        }
        // ptrace_entry: tracees are waited for by their tracer
        if (w.tracedCount > 0) for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            for (Task u = p; u != null; u = u.nextThread) {
                if (u.ptracer == null || u.ptracer.signal != waiter.signal || u.realParent.signal == waiter.signal) continue;
                if (!any && u != target) continue;
                eligible = true;
                if (u.traceStopped && u.ptraceCode != 0) {
                    record(waiter, u, u.ptraceCode << 8 | 0x7f);
                    if ((opts & WNOWAIT) == 0) u.ptraceCode = 0;
                    return 0;
                }
            }
        }
        return eligible ? -1 : -2;
    }

    /** wait_consider_task: wait_task_zombie, wait_task_stopped, wait_task_continued. */
    boolean considerTask(Task waiter, Task c, int opts) {
        if (c.exitState == Task.ZOMBIE) {
            if (c.signal.nrThreads > 1) return false; // delay_group_leader
            int status = c.signal.groupExit ? c.signal.groupExitCode : c.exitCode;
            record(waiter, c, status);
            if ((opts & WNOWAIT) == 0) releaseTask(c, true);
            return true;
        }
        if (c.ptracer != null && c.ptracer.signal == waiter.signal && c.traceStopped && c.ptraceCode != 0) {
            record(waiter, c, c.ptraceCode << 8 | 0x7f);
            if ((opts & WNOWAIT) == 0) c.ptraceCode = 0;
            return true;
        }
        Sig s = c.signal;
        if ((opts & WUNTRACED) != 0 && s.stopSig != 0 && s.stopNotify) {
            record(waiter, c, WaitStatus.stoppedBy(s.stopSig));
            if ((opts & WNOWAIT) == 0) s.stopNotify = false;
            return true;
        }
        if ((opts & WCONTINUED) != 0 && s.contNotify) {
            record(waiter, c, WaitStatus.CONTINUED);
            if ((opts & WNOWAIT) == 0) s.contNotify = false;
            return true;
        }
        return false;
    }

    static void record(Task waiter, Task c, int status) {
        waiter.waitValid = true;
        waiter.waitTask = c;
        waiter.waitStatus = status;
    }

    void recheckWaiters() {
        for (int i = 0; i < w.waiters.size(); i++) {
            Task waiter = w.waiters.get(i);
            if (waiter.exitState != Task.ALIVE || waiter.run != Task.WAIT) {
                w.waiters.remove(i--);
                continue;
            }
            int r = tryWait(waiter, waiter.waitTarget, waiter.waitAny, waiter.waitOpts);
            if (r == -1) continue;
            w.waiters.remove(i--);
            waiter.run = Task.IDLE;
            if (r == -2) {
                waiter.waitValid = false;
                waiter.errno = Errno.ECHILD;
                w.event(waiter.name, "resumed", "waitpid returned ECHILD");
            } else {
                waiter.errno = 0;
                w.event(waiter.name, "resumed", "waitpid returned " + waiter.waitStatus);
            }
            w.signal.flushKernelSignals();
            i = -1; // a reap may wake another waiter
        }
    }
}
