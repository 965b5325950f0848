package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Signals;
import dev.proclab.kernel.WaitStatus;
import java.util.List;

/**
 * fs/exec.c: do_execveat_common → begin_new_exec (de_thread, exec_mmap, unshare, comm, flags).
 */
final class Exec {
    private final World w;

    Exec(World w) {
        this.w = w;
    }

    /** begin_new_exec + load_elf_binary, for the world's own programs. */
    void execImage(Task t, String comm) {
        if (t.mm != null) {
            w.memory.mmput(t.mm);
        }
        t.mm = w.memory.newImageMm(true);
        t.mm.userNs = t.userNs; // exec'd where it lives: mm->user_ns (main re-execs inside its namespaces)
        t.comm = comm;
        t.flags = (t.flags & ~(PF_RANDOMIZE | PF_FORKNOEXEC | PF_NOFREEZE | PF_NO_SETAFFINITY | PF_KTHREAD | PF_IDLE)) | PF_RANDOMIZE;
    }


    /** do_execveat_common → begin_new_exec (de_thread, exec_mmap, unshare sighand/files, comm, flags). */
    int exec(Task p, List<String> argv) {
        // do_execveat_common: PF_NPROC_EXCEEDED left by set_user, still over the limit → EAGAIN
        long nproc = p.signal.soft(Sig.NPROC);
        if ((p.flags & PF_NPROC_EXCEEDED) != 0 && !p.capable() && nproc != RLIM_INFINITY && w.nprocOf(p.kuid)[0] > nproc)
            return Errno.EAGAIN;
        p.flags &= ~PF_NPROC_EXCEEDED;
        // alloc_bprm → do_open_execat, search_binary_handler: the machine says what this name finds
        // (ENOENT, EACCES, ENOEXEC); a failed exec changes nothing, the process goes on
        if (argv == null || argv.isEmpty() || argv.get(0).isEmpty()) return Errno.ENOENT;
        // the path walk: a directory that denies search to others asks a task that is not its owner
        // for CAP_DAC_READ_SEARCH (capable_wrt_inode_uidgid → ns_capable), which marks it if it has
        // the capability in its own user namespace, though the directory's owner may be unmapped there
        for (int owner : w.cfg.searchDenied().getOrDefault(argv.get(0), java.util.List.of())) {
            if (owner != p.kuid && p.nsCapable()) p.flags |= PF_SUPERPRIV;
        }
        String fails = w.cfg.exec().get(argv.get(0));
        if (fails != null) return Errno.number(fails);
        // exit_signals → retarget_shared_pending: a killed thread that complete_signal had chosen for a
        // signal of the group's queue hands it on to the exec'ing thread, which takes it in user mode
        for (Task u = p.groupLeader; u != null; u = u.nextThread) {
            if (u != p && u.alive() && u.sigpending && p.signal.pending != 0) p.sigpending = true;
        }
        // de_thread: the other threads die; a traced one stays a zombie until its tracer lets it go,
        // and until then the exec waits (D); a non-leader then takes over the leader's pid
        if (!deThread(p)) {
            if (p.exitState != Task.ALIVE) return 0; // killed in de_thread: the call never returns
            p.run = Task.EXEC;
            p.execArgv = List.copyOf(argv);
            p.signal.groupExecTask = p;
            w.execBlocked.add(p);
            return BLOCKS;
        }
        finish(p, argv, false);
        return 0;
    }

    /** exec's answer for an exec that waits in de_thread: not an errno, the call is still under way. */
    static final int BLOCKS = -1;

    /** begin_new_exec past de_thread, then the program; {@code waited}: the exec waited in de_thread. */
    private void finish(Task p, List<String> argv, boolean waited) {
        // de_thread's end ("we have changed execution domain"): the exit signal is SIGCHLD from now on
        p.exitSignal = Signals.SIGCHLD;
        // exec_mmap: the old mm is dropped, and with it the vfork parent is released (mm_release)
        Mm old = p.mm;
        p.mm = w.memory.newImageMm(false, p);
        if (old != null) w.memory.mmput(old);
        // prepare_exec_creds: a new cred, committed; the old one goes with its last user
        Ref cred = new Ref();
        cred.obj = w.trace.alloc(p, Trace.CRED, List.of("kmem_cache_alloc", "prepare_creds", "prepare_exec_creds", "do_execve", "sys_execve"));
        if (p.cred != null && --p.cred.count == 0) w.trace.free(Trace.CRED, p.cred.obj);
        p.cred = cred;
        w.fork.releaseVfork(p);
        // unshare_sighand: a table shared with another process is copied; handlers reset, SIG_IGN kept
        if (p.sighand.count > 1) {
            Sighand n = new Sighand();
            n.count = 1;
            n.ignored = p.sighand.ignored;
            p.sighand.count--;
            p.sighand = n;
            w.slab[C_SIGHAND]++;
            n.obj = w.trace.alloc(p, Trace.SIGHAND, List.of("kmem_cache_alloc", "unshare_sighand", "de_thread", "do_execve", "sys_execve"));
        }
        // flush_signal_handlers: every handler becomes SIG_DFL (SIG_IGN stays); the mask and what is pending stay
        p.sighand.handled = 0;
        // unshare_files
        if (p.files != null && p.files.count > 1) {
            p.files.count--;
            p.files = new Ref();
            w.slab[C_FILES]++;
            p.files.obj = w.trace.alloc(p, Trace.FILES, List.of("kmem_cache_alloc", "dup_fd", "unshare_files", "do_execve", "sys_execve"));
        }
        // __set_task_comm(kbasename(filename)), TASK_COMM_LEN 16
        String path = argv.get(0);
        String base = path.substring(path.lastIndexOf('/') + 1);
        p.comm = base.length() > 15 ? base.substring(0, 15) : base;
        w.trace.event(p, "task_rename", null, p.comm);
        w.trace.event(p, "sched_process_exec", null, base);
        p.flags = (p.flags & ~(PF_RANDOMIZE | PF_FORKNOEXEC | PF_NOFREEZE | PF_NO_SETAFFINITY)) | PF_RANDOMIZE;
        if (wokenBeforeExecId) {
            // between __set_task_comm and the self_exec_id bump: an exit signal that comes now is still
            // the one the child was made with (do_notify_parent compares the exec ids)
            wokenBeforeExecId = false;
            runWoken();
            if (p.exitState != Task.ALIVE) return;
        }
        p.execd = true;
        p.selfExecId++;
        // back in user mode it first takes what was sent while it waited in D (a stop, a signal that
        // dumps core: complete_signal wakes a TASK_KILLABLE sleeper only for SIGKILL's shortcut), then
        // the program runs (a stopped one when it is continued)
        if (waited) p.sigpending |= p.signal.pending != 0;
        if (p.sigpending) w.signal.takePending(p);
        if (p.exitState == Task.ALIVE) w.programs.runProgram(p, base, argv);
    }

    /**
     * de_thread: zap_other_threads kills every other thread (do_group_exit gives each exit code 0 while
     * group_exec_task is set); an untraced thread is released at its exit, a traced one stays a zombie
     * until its tracer waits for it, detaches or exits, and notify_count waits for them all (the old
     * leader of a non-leader's exec only has to be a zombie). False: the exec waits (TASK_KILLABLE, D).
     */
    boolean deThread(Task p) {
        if (p.signal.nrThreads == 1) return true;
        List<Task> others = new java.util.ArrayList<>();
        for (Task t = p.groupLeader; t != null; t = t.nextThread) if (t != p && t.exitState == Task.ALIVE) others.add(t);
        w.exit.exitInTurn(others, WaitStatus.exited(0), PF_SIGNALED);
        // what the zapped threads' exits woke (a tracee let go) runs on its own CPU: while de_thread
        // still waits for them to be released (a signal it sends the group then, its exit signal, can
        // kill the exec), after the new comm but before the exec id changes (its exit signal still
        // kills), or later (all three seen here, with a tracee whose exit signal is fatal to the group)
        int when = !w.signal.anyWoken() ? 2 : w.choose("when a task the zap woke runs, against the exec",
                List.of("while de_thread waits", "before the exec id changes", "after the exec"));
        if (when == 0) runWoken();
        if (p.exitState != Task.ALIVE || waitsForThreads(p)) return false; // an exec that waits: they run meanwhile
        wokenBeforeExecId = when == 1; // finish, next, runs them at that point
        takeOver(p);
        return true;
    }

    /** A task the zap woke runs before the exec's self_exec_id bump ({@link #deThread}'s choice). */
    private boolean wokenBeforeExecId;

    private void runWoken() {
        w.signal.resumeWoken();
        w.signal.flushKernelSignals();
    }

    /** notify_count: threads of p's group, but p and the leader, not yet released (a traced zombie). */
    static boolean waitsForThreads(Task p) {
        for (Task t = p.groupLeader; t != null; t = t.nextThread) if (t != p && t != p.groupLeader) return true;
        return false;
    }

    /**
     * The execs waiting in de_thread whose last traced zombie has been released go on (__exit_signal
     * wakes group_exec_task): run after each step, when the tracer's wait, exit or the kernel's own
     * work has released them. An exec'ing task killed meanwhile leaves (de_thread's "killed" path).
     * {@code quiet}: an exec whose own step is still under way (its going on is no news). True when
     * one went on.
     */
    boolean settle(Task quiet) {
        boolean went = false;
        for (int i = 0; i < w.execBlocked.size(); ) {
            Task p = w.execBlocked.get(i);
            if (p.exitState != Task.ALIVE || p.run != Task.EXEC) {
                w.execBlocked.remove(i);
                if (p.signal.groupExecTask == p) p.signal.groupExecTask = null;
                continue;
            }
            if (waitsForThreads(p)) {
                i++;
                continue;
            }
            w.execBlocked.remove(i);
            p.signal.groupExecTask = null;
            p.run = Task.IDLE;
            List<String> argv = p.execArgv;
            p.execArgv = null;
            String name = p.name;
            takeOver(p);
            went = true;
            if (p != quiet) w.event(p.name, Event.EXECD, (name.equals(p.name) ? name : name + " (now " + p.name + ")")
                    + "'s exec goes on: its program " + argv.get(0) + " runs");
            finish(p, argv, true);
            i = 0;
        }
        return went;
    }

    /** de_thread's end for a non-leader: it becomes the leader, with the leader's pid (exchange_tids). */
    private void takeOver(Task p) {
        Task leader = p.groupLeader;
        if (leader == p) return;
        rescanBeforeSwap(leader);
        // exchange_tids / transfer_pid: p becomes the leader with the leader's pid; the old leader is released
        int[] pnr = p.nr;
        p.nr = leader.nr;
        leader.nr = pnr;
        exchangePids(p, leader);
        for (PidNs n = p.ns; n != null; n = n.parent) {
            n.attach(p.nr[n.level], p);
            n.attach(leader.nr[n.level], leader);
        }
        Task parent = leader.realParent;
        // p takes the leader's place among its parent's children and in the task list
        p.prevSibling = leader.prevSibling;
        p.nextSibling = leader.nextSibling;
        if (p.prevSibling != null) p.prevSibling.nextSibling = p;
        else parent.firstChild = p;
        if (p.nextSibling != null) p.nextSibling.prevSibling = p;
        else parent.lastChild = p;
        leader.prevSibling = leader.nextSibling = null;
        p.prevTask = leader.prevTask;
        p.nextTask = leader.nextTask;
        p.prevTask.nextTask = p;
        p.nextTask.prevTask = p;
        leader.prevTask = leader.nextTask = null;
        // the thread list now starts at p
        Task t = leader;
        while (t.nextThread != p) t = t.nextThread;
        t.nextThread = p.nextThread;
        p.nextThread = leader.nextThread == p ? null : leader.nextThread;
        leader.nextThread = null;
        p.groupLeader = p;
        for (Task u = p.nextThread; u != null; u = u.nextThread) u.groupLeader = p;
        leader.groupLeader = p;
        p.exitSignal = Signals.SIGCHLD;
        p.realParent = parent;
        // the old leader (a zombie since zap) goes without a notification
        leader.exitSignal = -1;
        // names follow the pid: the process its parent knows keeps the leader's name (it has the leader's
        // pid), and the thread's name goes with its old tid, released with the old leader
        String processName = leader.name, threadName = p.name;
        if (processName != null) w.bind(processName, p);
        if (threadName != null) w.bind(threadName, leader);
        // what a name's own steps left (its errno, its last wait) stays with the name
        swapStepRecords(p, leader);
        w.exit.releaseTask(leader, false);
    }

    /**
     * The zapped leader's exit woke its tracer, asleep in a wait for the leader's pid. If the tracer
     * looks again before de_thread swaps the pids (a race on tasklist_lock), it finds the zombie leader
     * with a live thread (delay_group_leader: not reaped) and sleeps again; de_thread's own
     * __wake_up_parent then names the leader by a pid the wait no longer waits for (eligible_pid), and
     * nothing wakes it. After the swap, it would find the pid's new task neither its child nor its
     * tracee: ECHILD. Measured here: about 2 runs in 5 sleep on.
     */
    private void rescanBeforeSwap(Task leader) {
        if (leader.ptracer == null || leader.exitState != Task.ZOMBIE) return;
        for (Task u : w.waiters) {
            if (u.run != Task.WAIT || u.waitAny || u.waitTarget != leader || u.signal != leader.ptracer.signal) continue;
            if (u.stopped || u.traceStopped || u.exitState != Task.ALIVE || u.waitWake == Exit.wakeCount(u)) continue;
            if (w.choose("whether the tracer's wait looks again before de_thread gives the leader's pid away",
                    List.of("the pids are swapped first", "the tracer looks first, and sleeps on")) == 1) {
                u.waitWake = Exit.wakeCount(u);
            }
        }
    }

    private static void swapStepRecords(Task a, Task b) {
        int errno = a.errno;
        a.errno = b.errno;
        b.errno = errno;
        boolean valid = a.waitValid;
        a.waitValid = b.waitValid;
        b.waitValid = valid;
        Task task = a.waitTask;
        a.waitTask = b.waitTask;
        b.waitTask = task;
        int status = a.waitStatus;
        a.waitStatus = b.waitStatus;
        b.waitStatus = status;
    }

    /**
     * The model's struct pid is the task that owns the number, so when two tasks exchange numbers
     * (exchange_tids) whatever named a process group or session by one of them follows the number.
     */
    private void exchangePids(Task p, Task leader) {
        int refs = p.pidRefs;
        p.pidRefs = leader.pidRefs;
        leader.pidRefs = refs;
        java.util.Set<Task> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Task q = w.swapper.nextTask; q != w.swapper; q = q.nextTask) {
            for (Task u = q; u != null; u = u.nextThread) {
                if (u.pgrp == leader) u.pgrp = p;
                else if (u.pgrp == p) u.pgrp = leader;
                if (u.session == leader) u.session = p;
                else if (u.session == p) u.session = leader;
                // a blocked waitpid(pid) waits for the pid, which the process keeps
                if (u.waitTarget == leader) u.waitTarget = p;
                followPid(u, p, leader);
                seen.add(u);
            }
        }
        // a released name keeps its last wait too (a tracer that has died and been reaped)
        for (Task u : w.names.values()) if (seen.add(u)) followPid(u, p, leader);
    }

    /** A wait's answer was a pid: it names whoever holds that number now. */
    private static void followPid(Task u, Task p, Task leader) {
        if (u.waitTask == leader) u.waitTask = p;
        else if (u.waitTask == p) u.waitTask = leader;
    }
}
