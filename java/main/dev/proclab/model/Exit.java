package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
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
        // killed while its exec waits in de_thread: free_bprm lets go of cred_guard_mutex before
        // do_exit, and a PTRACE_SEIZE waiting for it may attach the dying task first
        if (t.run == Task.EXEC) w.ptrace.attachDying(t);
        // exit_signals; coredump_task_exit (PF_POSTCOREDUMP, dumping or not)
        t.flags |= PF_EXITING | PF_POSTCOREDUMP;
        w.trace.event(t, "sched_process_exit", null, null);
        Sig s = t.signal;
        s.live--;
        if (s.live == 0) s.lastExitCode = code; // the group's status is its last thread's (a leader that left first included)
        t.stopped = false;
        t.traceStopped = false;
        w.signal.joinGroupStop(t, false);
        if (t.run == Task.WAIT) w.waiters.remove(t);
        t.run = Task.IDLE;
        // a tracee stays traced through its exit: its tracer gets it first (exit_notify, wait_task_zombie)
        t.ptraceCode = 0;
        w.ptrace.exitPtrace(t);
        // exit_mm, exit_files, exit_fs
        if (t.mm != null) {
            Mm m = t.mm;
            t.userDumpable = m.dumpable; // what __ptrace_may_access asks of it once the mm is gone
            t.mm = null;
            w.memory.mmput(m);
        }
        // mm_release → complete_vfork_done: the parent wakes, but the child runs on to exit_notify in
        // the same breath, before the parent has been scheduled: the exit signal reaches it first
        Task vforkParent = w.fork.releaseVforkLater(t);
        // a race either side may win: the parent, woken on another CPU, may take what waited for it
        // before the exit signal comes, or before a waiter the exit wakes takes the child (it matters
        // only when something waits for the parent)
        if (vforkParent != null && vforkParent.signal.pending != 0
                && w.choose("whether the vfork parent runs before its child's exit is told",
                        List.of("the exit signal and the woken waiters first", "the parent first")) == 1) {
            w.fork.resumeFromVfork(vforkParent);
            vforkParent = null;
        }
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
        // exit_notify → forget_original_parent, then, when the group is dead, kill_orphaned_pgrp
        if (!forgetOriginalParent(t)) {
            // a namespace's init in zap_pid_ns_processes: asleep (S) until its namespace is empty
            t.run = Task.ZAP;
            w.zapping.add(t);
            if (vforkParent != null) w.signal.resumeAfterStep(vforkParent);
            return;
        }
        exitNotify(t, vforkParent);
    }

    /** exit_notify's rest, once forget_original_parent is done; then do_exit's PF_NOFREEZE and the end. */
    private void exitNotify(Task t, Task vforkParent) {
        Sig s = t.signal;
        t.flags |= PF_NOFREEZE;
        if (s.live == 0) killOrphanedPgrp(t.groupLeader, null);
        t.exitState = Task.ZOMBIE;
        if (t.ptracer != null) {
            // exit_notify of a tracee: its tracer is told (the exit signal only when it is also the
            // parent of a lone leader, else SIGCHLD), and it is never autoreaped
            // (a leader whose threads live on too: do_notify_parent is told of every tracee's exit)
            boolean own = t.isLeader() && s.nrThreads == 1 && t.ptracer.signal == t.realParent.signal;
            w.signal.notifyParent(t, own ? t.exitSignal : Signals.SIGCHLD);
        } else if (t.isLeader()) {
            // a leader with live threads stays a zombie unreported (delay_group_leader)
            // do_notify_parent sends the exit signal (SIGCHLD), ignored or not: signal_generate
            if (s.nrThreads == 1 && t.exitSignal > 0) w.trace.event(t, "signal_generate", t.parent(), Signals.name(t.exitSignal));
            if (s.nrThreads == 1 && w.signal.notifyParent(t, t.exitSignal)) releaseTask(t, true);
        } else {
            releaseTask(t, true); // threads are autoreaped (exit_signal -1)
        }
        if (vforkParent != null) w.signal.resumeAfterStep(vforkParent);
    }

    /**
     * The namespace inits whose exit waited in zap_pid_ns_processes go on once every other task of their
     * namespace is released (pid_allocated back to init's own): a tracer outside let its traced zombie
     * go. True when one went on.
     */
    boolean settleZap() {
        boolean went = false;
        for (int i = 0; i < w.zapping.size(); ) {
            Task t = w.zapping.get(i);
            // its kernel_wait4(-1, __WALL) loop reaps each zombie child it may: one a tracer outside has
            // let go (__ptrace_detach notifies and wakes it; an exit signal but SIGCHLD is not autoreaped)
            if (t.run == Task.ZAP) reapZombieChildren(t);
            if (t.run != Task.ZAP || !nsEmpty(t)) {
                i++;
                continue;
            }
            w.zapping.remove(i);
            t.run = Task.IDLE;
            forgetOriginalParent(t);
            exitNotify(t, null);
            went = true;
            i = 0;
        }
        return went;
    }

    private void reapZombieChildren(Task init) {
        for (Task c = init.firstChild; c != null; ) {
            Task next = c.nextSibling;
            if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1 && !tracedAway(c)) releaseTask(c, true);
            c = next;
        }
    }

    /** No task of father's namespace but father's group is left unreleased. */
    private boolean nsEmpty(Task father) {
        PidNs ns = father.ns;
        for (Task q = w.swapper.nextTask; q != w.swapper; q = q.nextTask) {
            for (Task u = q; u != null; u = u.nextThread) {
                if (u.signal != father.signal && u.exitState != Task.DEAD && Pid.visible(u, ns)) return false;
            }
        }
        return true;
    }

    /** A zombie its real parent cannot reap: traced by another group, its tracer must let it go first. */
    static boolean tracedAway(Task c) {
        return c.ptracer != null && c.ptracer.signal != c.realParent.signal;
    }

    /**
     * find_child_reaper + find_new_reaper + reparent_leader. False when father is a namespace's init
     * whose zap_pid_ns_processes waits: a zombie of the namespace is traced from outside it.
     */
    boolean forgetOriginalParent(Task father) {
        PidNs ns = father.ns;
        Task childReaper = ns.childReaper;
        if (childReaper == father) {
            Task alive = findAliveThread(father);
            if (alive != null) {
                ns.childReaper = alive;
                childReaper = alive;
            } else {
                w.pid.zapPidNs(ns, father);
                if (!nsEmpty(father)) return false;
                childReaper = father;
            }
        }
        if (father.firstChild == null) return true;
        Task reaper = findNewReaper(father, childReaper);
        if (reaper == father) {
            // a dying namespace init keeps what zap_pid_ns_processes left: zombies are reaped
            for (Task c = father.firstChild; c != null; ) {
                Task next = c.nextSibling;
                if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1) releaseTask(c, true);
                c = next;
            }
            return true;
        }
        boolean sameGroup = reaper.signal == father.signal;
        for (Task c = father.firstChild; c != null; ) {
            Task next = c.nextSibling;
            for (Task t = c; t != null; t = t.nextThread) t.realParent = reaper;
            Fork.unlinkChild(father, c);
            Fork.linkChild(reaper, c); // list_splice_tail_init: appended in order
            if (!sameGroup && c.exitState != Task.DEAD) {
                // reparent_leader
                c.exitSignal = Signals.SIGCHLD; // "We don't want people slaying init"
                if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1 && c.ptracer == null && w.signal.notifyParent(c, c.exitSignal))
                    releaseTask(c, true);
                killOrphanedPgrp(c, father);
            }
            c = next;
        }
        return true;
    }

    static Task findAliveThread(Task p) {
        return aliveThreadFrom(p.groupLeader);
    }

    /** The first thread from t on (in the group's order) without PF_EXITING. */
    private static Task aliveThreadFrom(Task t) {
        for (Task u = t; u != null; u = u.nextThread) if ((u.flags & PF_EXITING) == 0) return u;
        return null;
    }

    /** find_new_reaper: a live thread of the group, else the nearest subreaper ancestor in the namespace, else its init. */
    Task findNewReaper(Task father, Task childReaper) {
        Task th = findAliveThread(father);
        // threads killed together run do_exit each on its own CPU: one listed to exit after father may
        // have set PF_EXITING (exit_signals, early in do_exit) before father looks, and is passed over
        while (th != null && th.dyingTogether && father.firstChild != null && w.choose(
                "whether " + th.label() + " has begun its exit when " + father.label() + " looks for a reaper",
                List.of(th.label() + " has not", th.label() + " has")) == 1) {
            th = aliveThreadFrom(th.nextThread);
        }
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
        if (p.ptracer != null) w.ptrace.untrace(p); // ptrace_release_task
        w.nprocOf(p.kuid)[0]--;
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

    /** do_group_exit via a fatal signal: every thread exits with the signal, and 0x80 if vfs_coredump wrote a core. */
    void groupExit(Task t, int sig) {
        Sig s = t.signal;
        s.groupExit = true;
        s.groupExitCode = WaitStatus.killed(sig) | (Signals.dumpsCore(sig) && coreDumped(t) ? WaitStatus.CORE_DUMPED : 0);
        s.stopSig = 0;
        s.pending = 0;
        Task leader = t.groupLeader;
        // a wait that returned in this step: the reap is done, but its thread may be caught on its way
        // back to user mode (do_group_exit's SIGKILL, coredump_wait's zap) and never tell the lab; the
        // thread that takes the signal takes it there for sure
        for (Task u = leader; u != null; u = u.nextThread) {
            if (!w.returnedInStep.contains(u) || u.exitState != Task.ALIVE) continue;
            if (u == t || w.choose("whether a returned wait reaches user mode before the group exit",
                    List.of(u.label() + " returns first", u.label() + " dies first")) == 1) {
                untell(u);
            }
        }
        // every thread dies on its own CPU: the order is the scheduler's, and it decides where each
        // one's children go (a live thread of the group first). The model's first way: the other
        // threads, then the leader (so it is reported at once)
        List<Task> dying = new java.util.ArrayList<>();
        for (Task u = leader.nextThread; u != null; u = u.nextThread) if (u.exitState == Task.ALIVE) dying.add(u);
        if (leader.exitState == Task.ALIVE) dying.add(leader);
        exitInTurn(dying, s.groupExitCode, PF_SIGNALED);
    }

    /**
     * The threads each exit with {@code code}: where two or more die at once, which goes first is a
     * choice of the kernel's (World.choose), the listed order being the model's first way.
     */
    void exitInTurn(List<Task> threads, int code, int flags) {
        List<Task> left = new java.util.ArrayList<>(threads);
        boolean together = threads.size() > 1 && hasChildren(threads);
        if (together) for (Task u : threads) u.dyingTogether = true;
        while (!left.isEmpty()) {
            int k = 0;
            if (left.size() > 1 && hasChildren(left)) k = w.choose("which thread of the dying group exits next", names(left, " next"));
            Task u = left.remove(k);
            u.dyingTogether = false;
            if (u.exitState != Task.ALIVE) continue;
            u.flags |= flags;
            doExit(u, code);
        }
    }

    /** Only threads with children (or tracees) make the order visible: the order of those children, reparented. */
    private static boolean hasChildren(List<Task> ts) {
        int with = 0;
        for (Task t : ts) if (t.firstChild != null || t.tracees > 0) with++;
        return with > 1;
    }

    /**
     * vfs_coredump for the thread that took the signal: a dumpable mm marks it PF_DUMPCORE (whatever
     * the limit); a core file is written when core_pattern names a file, RLIMIT_CORE holds at least a
     * page (binfmt_elf's min_coredump) and the process may create it in its working directory, the
     * lab's private one, which only the agent's user (or a root that overrides permissions) can write.
     */
    private boolean coreDumped(Task t) {
        if (t.mm == null || !t.mm.dumpable) return false;
        t.flags |= PF_DUMPCORE;
        long limit = t.signal.soft(Sig.CORE);
        if (limit != RLIM_INFINITY && limit < 4096) return false;
        if (!w.cfg.coreToFile()) return false;
        return t.capable() || t.kuid == w.cfg.uid();
    }

    /** will_become_orphaned_pgrp(pgrp, NULL): no member has a parent in another pgrp of the same session. */
    boolean orphanedPgrp(Task leader) {
        return willBecomeOrphaned(leader.pgrp, null);
    }

    /**
     * will_become_orphaned_pgrp(pgrp, ignored): no member but {@code ignored} (a zombie alone in its group
     * does not count, nor does a child of the global init) has a parent in another pgrp of its session.
     */
    boolean willBecomeOrphaned(Task pgrp, Task ignored) {
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            if (p.pgrp != pgrp || p == ignored) continue;
            if (p.exitState != Task.ALIVE && p.signal.nrThreads == 1) continue;
            Task par = p.realParent.groupLeader;
            if (par == w.init) continue;
            if (par.pgrp != pgrp && par.session == p.session) return false;
        }
        return true;
    }

    /** has_stopped_jobs: a process of the group is in a complete group stop (SIGNAL_STOP_STOPPED). */
    private boolean hasStoppedJobs(Task pgrp) {
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            if (p.pgrp == pgrp && p.signal.live > 0 && Signal.stopStopped(p.signal, p.groupLeader)) return true;
        }
        return false;
    }

    /**
     * kill_orphaned_pgrp(tsk, parent): when tsk's group loses its last link to another group of its session
     * (tsk's exit, parent null; or tsk's reparenting away from {@code parent}) and a process of it is
     * stopped, POSIX 3.2.2.2: every process of the group gets SIGHUP, then SIGCONT (__kill_pgrp_info,
     * SEND_SIG_PRIV), sent when the step's other work is done.
     */
    void killOrphanedPgrp(Task tsk, Task parent) {
        Task pgrp = tsk.pgrp, ignored = tsk;
        if (parent == null) parent = tsk.realParent; // exit: our father was the only connection outside
        else ignored = null;                         // reparent: our child was
        parent = parent.groupLeader;
        if (parent.pgrp == pgrp || parent.session != tsk.session) return;
        if (!willBecomeOrphaned(pgrp, ignored) || !hasStoppedJobs(pgrp)) return;
        List<Task> members = new java.util.ArrayList<>();
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) if (p.pgrp == pgrp && p.exitState != Task.DEAD) members.add(p);
        for (Task p : members) w.signal.queueKernelSignal(p, Signals.SIGHUP);
        for (Task p : members) w.signal.queueKernelSignal(p, Signals.SIGCONT);
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
                case "__WNOTHREAD" -> opts |= WNOTHREAD;
                default -> throw StepError.error("unknown wait option " + o);
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
        waiter.waitWake = wakeCount(waiter); // asleep on wait_chldexit from here
        w.waiters.add(waiter);
        // a child's program that ends by itself (its timer) ends the wait: the step waits for it, as the
        // agent does, and the lab's clock moves on to that moment
        for (long wake; waiter.run == Task.WAIT && (wake = programEnds(waiter)) >= 0; ) w.time.advance(wake);
        if (waiter.run != Task.WAIT) {
            if (w.events != null) w.events.removeIf(e -> e.kind().equals(Event.RETURNED) && waiter.name != null && waiter.name.equals(e.proc()));
            return waiter.errno;
        }
        w.event(waiter.name, Event.BLOCKS, waiter.name + " blocks in waitpid(): the wait returns later");
        return BLOCKS;
    }

    /** waitStep's answer for a wait that blocks: not an errno, the call is still under way. */
    static final int BLOCKS = -1;

    /**
     * When a child of the waiter's group running a program ends by itself (its timer), the earliest,
     * or -1: a blocked wait that nothing but a later step could end.
     */
    long programEnds(Task waiter) {
        long at = -1;
        for (Task th = waiter.groupLeader; th != null; th = th.nextThread) {
            if ((waiter.waitOpts & WNOTHREAD) != 0 && th != waiter) continue; // only its own children
            for (Task c = th.firstChild; c != null; c = c.nextSibling) {
                if (!waiter.waitAny && c != waiter.waitTarget) continue; // only what the wait waits for can end it
                if (c.exitState == Task.ALIVE && c.run == Task.PROG_SLEEP && c.busyUntil != Long.MAX_VALUE && !c.stopped
                        && !c.traceStopped && (at < 0 || c.busyUntil < at)) at = c.busyUntil;
            }
        }
        return at;
    }

    /** do_wait over the children (and tracees) of every thread of the group: 0 done, -1 none ready, -2 ECHILD. */
    int tryWait(Task waiter, Task target, boolean any, int opts) {
        boolean eligible = false;
        // do_wait: the waiting thread's own children and tracees first, then each other thread's in the
        // group's thread order (while_each_thread from current); with __WNOTHREAD its own alone
        for (Task th : (opts & WNOTHREAD) != 0 ? List.of(waiter) : threadsFrom(waiter)) {
            for (Task c = th.firstChild; c != null; c = c.nextSibling) {
                if (!any && c != target) continue;
                if (passedOverAsClone(c, opts)) continue;
                eligible = true;
                if (considerTask(waiter, c, opts)) return 0;
            }
            if (w.tracedCount == 0) continue;
            // ptrace_do_wait: the tasks this thread traces, on its ptraced list (ptrace_link adds at
            // the head: the last attached first)
            List<Task> traced = new java.util.ArrayList<>();
            for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
                for (Task u = p; u != null; u = u.nextThread) if (u.ptracer == th) traced.add(u);
            }
            traced.sort((a, b) -> Long.compare(b.attachSeq, a.attachSeq));
            for (Task u : traced) {
                if (!any && u != target) continue;
                // (a thread is nobody's child: only a group's leader is on its parent's list)
                if (u.realParent.signal == waiter.signal && u.isLeader()) {
                    // an own child was considered above, unless eligible_child passed it over as a
                    // clone child: traced by us, it is eligible here whatever its exit signal
                    boolean passedOver = passedOverAsClone(u, opts);
                    // seen among this very thread's children just now; another thread's child is
                    // met here first when this thread's turn comes before its parent's
                    if (u.realParent == th && !passedOver) continue;
                    eligible = true;
                    if (considerTask(waiter, u, opts)) return 0;
                    continue;
                }
                eligible = true;
                if (u.exitState == Task.ZOMBIE) {
                    if (u.isLeader() && u.signal.nrThreads > 1) continue; // delay_group_leader
                    if (probing) return 0;
                    record(waiter, u, exitStatus(u));
                    if ((opts & WNOWAIT) == 0) w.ptrace.releaseToParent(u);
                    return 0;
                }
                if (u.traceStopped && u.ptraceCode != 0) {
                    if (probing) return 0;
                    record(waiter, u, u.ptraceCode << 8 | 0x7f);
                    if ((opts & WNOWAIT) == 0) u.ptraceCode = 0;
                    return 0;
                }
                // wait_task_continued: "there's only one continued state and the ptracer can consume it"
                if ((opts & WCONTINUED) != 0 && u.exitState == Task.ALIVE && u.signal.contNotify) {
                    if (probing) return 0;
                    record(waiter, u, WaitStatus.CONTINUED);
                    if ((opts & WNOWAIT) == 0) u.signal.contNotify = false;
                    return 0;
                }
            }
        }
        return eligible ? -1 : -2;
    }

    /** eligible_child without ptrace: a "clone" child (exit signal not SIGCHLD) only with __WCLONE or __WALL, the others only without __WCLONE. */
    private static boolean passedOverAsClone(Task c, int opts) {
        boolean clone = c.exitSignal != Signals.SIGCHLD;
        return clone != ((opts & WCLONE) != 0) && (opts & WALL) == 0;
    }

    /** The threads of t's group, t first, then on in the thread list, wrapping past its end to the leader. */
    private static List<Task> threadsFrom(Task t) {
        List<Task> out = new java.util.ArrayList<>();
        for (Task u = t; u != null; u = u.nextThread) out.add(u);
        for (Task u = t.groupLeader; u != null && u != t; u = u.nextThread) out.add(u);
        return out;
    }

    /** wait_consider_task: wait_task_zombie, wait_task_stopped, wait_task_continued. */
    /** What wait_task_zombie reports: group_exit_code after a group exit, else the task's exit_code. */
    static int exitStatus(Task c) {
        return c.signal.groupExit ? c.signal.groupExitCode : c.signal.live == 0 ? c.signal.lastExitCode : c.exitCode;
    }

    boolean considerTask(Task waiter, Task c, int opts) {
        if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1) {
            // a zombie ptracee is only visible to its ptracer; its real parent sees it once released
            if (c.ptracer != null && c.ptracer.signal != waiter.signal) return false;
            if (probing) return true;
            record(waiter, c, exitStatus(c));
            if ((opts & WNOWAIT) == 0) releaseTask(c, true);
            return true;
        }
        // wait_consider_task: a zombie leader whose threads live (delay_group_leader) is not reaped,
        // but the group's stop and continue are still reported through it
        if (c.ptracer != null && c.ptracer.signal == waiter.signal && c.traceStopped && c.ptraceCode != 0) {
            if (probing) return true;
            record(waiter, c, c.ptraceCode << 8 | 0x7f);
            if ((opts & WNOWAIT) == 0) c.ptraceCode = 0;
            return true;
        }
        Sig s = c.signal;
        // traced by the waiter's own group: wait_consider_task takes it as a tracee (ptrace = 1), and
        // task_stopped_code sees only its ptrace stop, never the group stop
        boolean ownTracee = c.ptracer != null && c.ptracer.signal == waiter.signal;
        if ((opts & WUNTRACED) != 0 && !ownTracee && s.stopSig != 0 && s.stopNotify) {
            if (probing) return true;
            record(waiter, c, WaitStatus.stoppedBy(s.stopSig));
            if ((opts & WNOWAIT) == 0) s.stopNotify = false;
            return true;
        }
        if ((opts & WCONTINUED) != 0 && s.contNotify) {
            if (probing) return true;
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

    /** While set, tryWait only says whether a wait would return now, and changes nothing. */
    private boolean probing;

    /** The wake-ups that make a sleeping waiter look again: its group's, or with __WNOTHREAD its own. */
    static long wakeCount(Task waiter) {
        return (waiter.waitOpts & WNOTHREAD) != 0 ? waiter.ownWakeups : waiter.signal.chldWakeups;
    }

    /** Whether waiter's blocked wait would return now (ECHILD included). */
    private boolean wouldReturn(Task waiter) {
        probing = true;
        try {
            // a waiter asleep in do_wait looks again only when __wake_up_parent wakes it (a child's exit,
            // stop or continue): a child that stops being eligible meanwhile (its exec made its exit
            // signal SIGCHLD, so __WCLONE no longer finds it) does not end the wait with ECHILD, and one
            // that becomes its child without a wake-up (a zombie its leader's exit hands to it, a thread
            // of the same group: forget_original_parent notifies nobody) is not reaped either
            if (wakeCount(waiter) == waiter.waitWake) return false;
            return tryWait(waiter, waiter.waitTarget, waiter.waitAny, waiter.waitOpts) != -1;
        } finally {
            probing = false;
        }
    }

    /**
     * Blocked waits that can return now do, one at a time (a reap may end another's hope, or give it
     * one). When several could, the kernel wakes them all and whichever runs first takes the child:
     * that is the kernel's choice, and the model offers each order (World.choose).
     */
    void recheckWaiters() {
        for (;;) {
            // add_wait_queue puts each sleeper at the head of wait_chldexit: the last to block is woken first
            List<Task> ready = new java.util.ArrayList<>();
            for (int i = w.waiters.size() - 1; i >= 0; i--) {
                Task waiter = w.waiters.get(i);
                if (waiter.exitState != Task.ALIVE || waiter.run != Task.WAIT) {
                    w.waiters.remove(i);
                    continue;
                }
                // a stopped waiter is in its stop, not in do_wait: the wait goes on after SIGCONT, and
                // then looks again from the start (the call is restarted); one with a signal to take
                // (TIF_SIGPENDING) leaves do_wait for get_signal first (-ERESTARTSYS): the wait is made
                // again after the signal's effect
                boolean signalFirst = waiter.sigpending && waiter.signal.pending != 0;
                if (waiter.stopped || waiter.traceStopped || signalFirst) waiter.waitWake = Long.MIN_VALUE;
                else if (wouldReturn(waiter)) ready.add(waiter);
            }
            if (ready.isEmpty()) {
                // those woken that found nothing sleep again, until the next wake-up
                for (Task waiter : w.waiters) {
                    if (!waiter.stopped && !waiter.traceStopped && !(waiter.sigpending && waiter.signal.pending != 0)) {
                        waiter.waitWake = wakeCount(waiter);
                    }
                }
                return;
            }
            Task waiter = ready.get(ready.size() == 1 ? 0 : w.choose("which of the waiters woken together returns first", names(ready, " first")));
            returnWait(waiter, w.signal::flushKernelSignals);
        }
    }

    /**
     * A woken waiter that runs after its child changed state: its __do_wait scan finds the child before
     * do_wait looks at signal_pending, so the wait returns; then its signals ({@code signals}) take effect.
     */
    void scanBeforeSignals(Task waiter, Runnable signals) {
        if (waiter.run != Task.WAIT || waiter.stopped || waiter.traceStopped || waiter.exitState != Task.ALIVE || !wouldReturn(waiter)) {
            signals.run();
            return;
        }
        returnWait(waiter, signals);
    }

    /** The waiter's wait returns; then {@code after} (the signals it now takes on its way back to user mode). */
    private void returnWait(Task waiter, Runnable after) {
        // what the lab knew of its last wait, should it never come back to tell (below)
        boolean valid = waiter.waitValid;
        Task task = waiter.waitTask;
        int status = waiter.waitStatus, errno = waiter.errno;
        int events = w.events == null ? 0 : w.events.size();
        int r = tryWait(waiter, waiter.waitTarget, waiter.waitAny, waiter.waitOpts);
        w.waiters.remove(waiter);
        waiter.run = Task.IDLE;
        waiter.priorValid = valid;
        waiter.priorTask = task;
        waiter.priorStatus = status;
        waiter.priorErrno = errno;
        w.returnedInStep.add(waiter);
        if (r == -2) {
            waiter.waitValid = false;
            waiter.errno = Errno.ECHILD;
            w.event(waiter.name, Event.RETURNED, "waitpid returned ECHILD");
        } else {
            waiter.errno = 0;
            w.event(waiter.name, Event.RETURNED, "waitpid returned with status " + waiter.waitStatus);
        }
        after.run();
        if (waiter.exitState != Task.ALIVE) {
            // a fatal signal (its child's exit signal) ended it on its way back to user mode: the
            // reap is done, but the call never returned to the lab, which keeps what it knew
            waiter.waitValid = valid;
            waiter.waitTask = task;
            waiter.waitStatus = status;
            waiter.errno = errno;
            if (w.events != null) {
                for (int i = w.events.size() - 1; i >= events; i--) {
                    if (w.events.get(i).kind().equals(Event.RETURNED) && waiter.name != null && waiter.name.equals(w.events.get(i).proc())) {
                        w.events.remove(i);
                    }
                }
            }
        }
    }

    /**
     * A wait that returned during this step, caught by a group stop before its thread got back to user
     * mode: the lab sees the return only after SIGCONT ({@link #tellUntold}); until then, what it knew.
     */
    void untell(Task waiter) {
        Task task = waiter.waitTask;
        boolean valid = waiter.waitValid;
        int status = waiter.waitStatus, errno = waiter.errno;
        waiter.waitValid = waiter.priorValid;
        waiter.waitTask = waiter.priorTask;
        waiter.waitStatus = waiter.priorStatus;
        waiter.errno = waiter.priorErrno;
        waiter.priorValid = valid;
        waiter.priorTask = task;
        waiter.priorStatus = status;
        waiter.priorErrno = errno;
        waiter.untold = true;
        w.returnedInStep.remove(waiter);
        if (w.events != null) {
            w.events.removeIf(e -> e.kind().equals(Event.RETURNED) && waiter.name != null && waiter.name.equals(e.proc()));
        }
    }

    /** SIGCONT: an untold wait's return reaches the lab now. */
    void tellUntold(Task waiter) {
        if (!waiter.untold) return;
        waiter.untold = false;
        waiter.waitValid = waiter.priorValid;
        waiter.waitTask = waiter.priorTask;
        waiter.waitStatus = waiter.priorStatus;
        waiter.errno = waiter.priorErrno;
        w.event(waiter.name, Event.RETURNED, waiter.errno == Errno.ECHILD ? "waitpid returned ECHILD" : "waitpid returned with status " + waiter.waitStatus);
    }

    private static List<String> names(List<Task> ts, String suffix) {
        List<String> out = new java.util.ArrayList<>();
        for (Task t : ts) out.add((t.name == null ? "pid " + t.nr[t.ns.level] : t.name) + suffix);
        return out;
    }
}
