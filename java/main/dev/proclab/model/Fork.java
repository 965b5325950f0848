package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.CloneFlags;
import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
import java.util.List;

/**
 * kernel/fork.c: copy_process (validity, limits, pid, what is shared or copied), dup_mmap, the children
 * list, and the vfork completion (mm_release → complete_vfork_done).
 */
final class Fork {
    private final World w;

    Fork(World w) {
        this.w = w;
    }

    /** kernel/fork.c copy_process: returns the new Task, or an Integer errno. */
    Object copyProcess(Task cur, long cf, int exitSignal, boolean trusted) {
        // the validity rules at the top of copy_process
        if ((cf & (CloneFlags.NEWNS | CloneFlags.FS)) == (CloneFlags.NEWNS | CloneFlags.FS)) return Errno.EINVAL;
        if ((cf & (CloneFlags.NEWUSER | CloneFlags.FS)) == (CloneFlags.NEWUSER | CloneFlags.FS)) return Errno.EINVAL;
        if ((cf & CloneFlags.THREAD) != 0 && (cf & CloneFlags.SIGHAND) == 0) return Errno.EINVAL;
        if ((cf & CloneFlags.SIGHAND) != 0 && (cf & CloneFlags.VM) == 0) return Errno.EINVAL;
        if ((cf & CloneFlags.PARENT) != 0 && cur.signal.unkillable) return Errno.EINVAL; // init may not CLONE_PARENT
        if ((cf & CloneFlags.THREAD) != 0 && (cf & (CloneFlags.NEWUSER | CloneFlags.NEWPID)) != 0) return Errno.EINVAL;
        // kernel_clone (legacy clone): CLONE_PIDFD and CLONE_PARENT_SETTID share one pointer
        if ((cf & CloneFlags.PIDFD) != 0 && (cf & CloneFlags.PARENT_SETTID) != 0) return Errno.EINVAL;
        boolean thread = (cf & CloneFlags.THREAD) != 0;
        // the top of copy_process, right after the flag checks (before any limit): recalc_sigpending +
        // task_sigpending: a signal that waits in the group's queue (the thread it was meant for
        // sleeps in vfork's D, or a tracer holds the group) is taken by the forking
        // thread instead: -ERESTARTNOINTR, and the fork is made again only after the signal's effect
        // (a stop: after SIGCONT; a fatal one: never). Such a step would hold the lab: it is refused.
        // (recalc_sigpending_tsk counts only what the thread does not block: a blocked one waits, and the
        // fork goes on)
        long wanted = cur.signal.pending & ~cur.blocked;
        if (!trusted && wanted != 0) {
            throw StepError.wouldBlock((cur.name != null ? cur.name : "the process") + " would take the pending "
                    + dev.proclab.kernel.Signals.name(Signal.nextSignal(wanted)) + " of its thread group instead of forking (copy_process: recalc_sigpending)");
        }

        // copy_creds → create_user_ns: the creator's uid must be mapped in its own user namespace
        // (kuid_has_mapping), so a namespace whose map was never written makes no child namespace
        if ((cf & CloneFlags.NEWUSER) != 0 && cur.inUserNs && cur.mappedUid == -1) return Errno.EPERM;

        // copy_creds + the RLIMIT_NPROC check (is_rlimit_overlimit; not for INIT_USER)
        int[] count = w.nprocOf(cur.kuid);
        long lim = cur.signal.soft(Sig.NPROC);
        // is_rlimit_overlimit, unless the real user is INIT_USER (or capable(CAP_SYS_RESOURCE/ADMIN))
        if (!cur.initUser() && !cur.capable() && lim != RLIM_INFINITY && count[0] + 1L > lim) return Errno.EAGAIN;
        cur.flags &= ~PF_NPROC_EXCEEDED;
        // data_race(nr_threads >= max_threads)
        if (w.nrThreads >= w.cfg.threadsMax()) return Errno.EAGAIN;
        // copy_namespaces: CLONE_NEW* (but NEWUSER) need CAP_SYS_ADMIN in the user namespace that will
        // own them: the caller's, or with CLONE_NEWUSER the new one, where the child has every capability
        long nsFlags = CloneFlags.NEWNS | CloneFlags.NEWUTS | CloneFlags.NEWIPC | CloneFlags.NEWPID | CloneFlags.NEWNET | CloneFlags.NEWCGROUP;
        boolean newUser = (cf & CloneFlags.NEWUSER) != 0;
        if ((cf & nsFlags) != 0 && !trusted) {
            if (!newUser && !cur.nsCapable()) return Errno.EPERM;
            // ns_capable succeeded (the new namespace's owner has every capability in it): current is marked
            cur.flags |= PF_SUPERPRIV;
        }
        // alloc_pid: one number per level, innermost first
        PidNs ns = (cf & CloneFlags.NEWPID) != 0 ? new PidNs(cur.ns, cur.ns.pidMax) : cur.ns;
        if (!ns.adding) return Errno.ENOMEM;
        int[] nr = new int[ns.level + 1];
        for (PidNs n = ns; n != null; n = n.parent) {
            int v = n.alloc();
            if (v < 0) {
                for (PidNs m = ns; m != n; m = m.parent) m.free(nr[m.level]);
                return Errno.EAGAIN; // -ENOSPC becomes -EAGAIN
            }
            nr[n.level] = v;
        }
        // cgroup_can_fork → pids_can_fork
        boolean inCg = cur.inCgroup;
        if (inCg && w.pidsMax != null && w.cgroupCount >= w.pidsMax) {
            for (PidNs m = ns; m != null; m = m.parent) m.free(nr[m.level]);
            return Errno.EAGAIN;
        }
        Task c = new Task();
        c.comm = cur.comm;
        // dup_task_struct copies flags; copy_process clears these and marks PF_FORKNOEXEC
        c.flags = (cur.flags & ~(PF_SUPERPRIV | PF_WQ_WORKER | PF_IDLE | PF_NO_SETAFFINITY | PF_NPROC_EXCEEDED | PF_EXITING | PF_SIGNALED))
                | PF_FORKNOEXEC;
        c.uid = cur.uid;
        c.suid = cur.suid;
        c.kuid = cur.kuid;
        c.ksuid = cur.ksuid;
        c.inUserNs = cur.inUserNs;
        c.userNs = cur.userNs;
        c.nsCaps = cur.nsCaps;
        c.mappedUid = cur.mappedUid;
        if (newUser) {
            // a new user namespace with no map yet: its maker is overflowuid there, with every capability
            c.inUserNs = c.nsCaps = true;
            c.userNs = new UserNs(cur.userNs, cur.kuid);
            c.uid = c.suid = OVERFLOW_UID;
            c.mappedUid = -1;
        }
        c.ns = ns;
        c.nr = nr;
        c.labTask = cur.labTask;
        c.selfExecId = cur.selfExecId;
        c.parentExecId = cur.selfExecId;
        c.inCgroup = inCg;
        c.pidRefs = 1;
        c.run = Task.IDLE;
        w.slab[C_TASK]++;
        w.slab[Pid.pidCache(ns)]++;
        if (thread) {
            Task leader = cur.groupLeader;
            c.groupLeader = leader;
            c.signal = cur.signal;
            c.signal.nrThreads++;
            c.signal.live++;
            c.realParent = leader.realParent;
            c.exitSignal = -1;
            Task t = leader;
            while (t.nextThread != null) t = t.nextThread;
            t.nextThread = c;
        } else {
            c.groupLeader = c;
            Sig s = new Sig();
            s.nrThreads = 1;
            s.live = 1;
            s.rlim = cur.signal.rlim.clone();
            s.rlimMax = cur.signal.rlimMax.clone();
            c.signal = s;
            w.slab[C_SIGNAL]++;
            if ((cf & CloneFlags.PARENT) != 0) {
                c.realParent = cur.realParent;
                c.exitSignal = cur.groupLeader.exitSignal;
            } else {
                c.realParent = cur;
                c.exitSignal = exitSignal;
            }
            linkChild(c.realParent, c);
            // list_add_tail_rcu(&p->tasks, &init_task.tasks)
            Task last = w.swapper.prevTask;
            last.nextTask = c;
            c.prevTask = last;
            c.nextTask = w.swapper;
            w.swapper.prevTask = c;
        }
        // copy_sighand
        if ((cf & CloneFlags.SIGHAND) != 0) {
            c.sighand = cur.sighand;
            c.sighand.count++;
        } else {
            c.sighand = new Sighand();
            c.sighand.count = 1;
            c.sighand.ignored = cur.sighand.ignored;
            c.sighand.handled = cur.sighand.handled;
            w.slab[C_SIGHAND]++;
        }
        // copy_files, copy_fs
        if (cur.files != null) {
            if ((cf & CloneFlags.FILES) != 0) {
                c.files = cur.files;
                c.files.count++;
            } else {
                c.files = new Ref();
                w.slab[C_FILES]++;
            }
        }
        if (cur.fs != null) {
            if ((cf & CloneFlags.FS) != 0) {
                c.fs = cur.fs;
                c.fs.count++;
            } else {
                c.fs = new Ref();
                w.slab[C_FS]++;
            }
        }
        // copy_mm: kernel threads have none; CLONE_VM shares, else dup_mmap
        if (cur.mm != null) {
            if ((cf & CloneFlags.VM) != 0) {
                c.mm = cur.mm;
                c.mm.users++;
            } else {
                c.mm = dupMm(cur.mm);
            }
        }
        c.blocked = cur.blocked; // dup_task_struct copies the mask; the new task's own pending is empty
        c.pgrp = cur.pgrp;
        c.pgrp.pidRefs++;
        c.session = cur.session;
        c.session.pidRefs++;
        for (PidNs n = ns; n != null; n = n.parent) n.attach(nr[n.level], c);
        if ((cf & CloneFlags.NEWPID) != 0) {
            ns.childReaper = c;
            c.signal.unkillable = true;
        }
        w.nrThreads++;
        count[0]++;
        if (inCg) w.cgroupCount++;
        if ((cf & CloneFlags.VFORK) != 0) {
            cur.run = Task.VFORK;
            cur.vforkChild = c;
            c.vforkParent = cur;
        }
        allocate(cur, c, cf);
        return c;
    }

    /**
     * The slab objects copy_process takes, in its order (dup_task_struct, copy_creds, copy_files,
     * copy_fs, copy_sighand, copy_signal, copy_mm, alloc_pid), then kernel_clone's events. The paths
     * are the book's (do_fork, dup_task_struct: LKD ch.3); the node is the book's too: tsk_fork_get_node
     * gives NUMA_NO_NODE, the node is not chosen.
     */
    private void allocate(Task cur, Task c, long cf) {
        Trace t = w.trace;
        String entry = (cf & CloneFlags.VFORK) != 0 ? "sys_vfork" : cf == 0 ? "sys_fork" : "sys_clone";
        c.taskObj = t.alloc(cur, Trace.TASK, Trace.forkPath(entry, "kmem_cache_alloc_node", "dup_task_struct"));
        if ((cf & CloneFlags.THREAD) != 0 && cur.cred != null) {
            c.cred = cur.cred; // copy_creds: a thread shares its creator's
            c.cred.count++;
        } else {
            c.cred = new Ref();
            c.cred.obj = t.alloc(cur, Trace.CRED, Trace.forkPath(entry, "kmem_cache_alloc", "prepare_creds", "copy_creds"));
        }
        if (c.files != null && (cf & CloneFlags.FILES) == 0) {
            c.files.obj = t.alloc(cur, Trace.FILES, Trace.forkPath(entry, "kmem_cache_alloc", "dup_fd", "copy_files"));
        }
        if (c.fs != null && (cf & CloneFlags.FS) == 0) {
            c.fs.obj = t.alloc(cur, Trace.FS, Trace.forkPath(entry, "kmem_cache_alloc", "copy_fs_struct", "copy_fs"));
        }
        if ((cf & CloneFlags.SIGHAND) == 0) {
            c.sighand.obj = t.alloc(cur, Trace.SIGHAND, Trace.forkPath(entry, "kmem_cache_alloc", "copy_sighand"));
        }
        if ((cf & CloneFlags.THREAD) == 0) {
            c.signal.obj = t.alloc(cur, Trace.SIGNAL, Trace.forkPath(entry, "kmem_cache_alloc", "copy_signal"));
        }
        if (cur.mm != null && (cf & CloneFlags.VM) == 0) allocateMm(cur, c.mm, entry);
        c.pidObj = t.alloc(cur, Trace.PID, Trace.forkPath(entry, "kmem_cache_alloc", "alloc_pid"));
        t.event(cur, "task_newtask", c, null);
        t.event(cur, "sched_process_fork", c, null);
        t.event(c, "sched_wakeup_new", null, null); // wake_up_new_task
    }

    /** dup_mm: the mm_struct, and dup_mmap's vm_area_struct per VMA with anon_vma_fork's objects for each anonymous one. */
    private void allocateMm(Task cur, Mm m, String entry) {
        Trace t = w.trace;
        m.obj = t.alloc(cur, Trace.MM, Trace.forkPath(entry, "kmem_cache_alloc", "dup_mm", "copy_mm"));
        List<String> vma = Trace.forkPath(entry, "kmem_cache_alloc", "dup_mmap", "dup_mm", "copy_mm");
        List<String> anon = Trace.forkPath(entry, "kmem_cache_alloc", "anon_vma_fork", "dup_mmap", "dup_mm", "copy_mm");
        List<String> chain = Trace.forkPath(entry, "kmem_cache_alloc", "anon_vma_clone", "anon_vma_fork", "dup_mmap", "dup_mm", "copy_mm");
        for (int i = 0; i < m.imageVmas; i++) {
            m.vmaObjs.add(t.alloc(cur, Trace.VMA, vma));
            if (i < m.imageAnon) anonVmaFork(cur, m, m.imageChain, anon, chain);
        }
        for (int r = 1; r < m.nRegions; r++) {
            m.vmaObjs.add(t.alloc(cur, Trace.VMA, vma));
            if (m.regionChain[r] > 0) anonVmaFork(cur, m, m.regionChain[r], anon, chain);
        }
    }

    /** anon_vma_fork: anon_vma_clone links every anon_vma of the parent's VMA (chain - 1), then a new anon_vma and its link. */
    private void anonVmaFork(Task cur, Mm m, int chain, List<String> anonPath, List<String> chainPath) {
        Trace t = w.trace;
        for (int k = 0; k < chain - 1; k++) m.avcObjs.add(t.alloc(cur, Trace.AVC, chainPath));
        m.anonObjs.add(t.alloc(cur, Trace.ANON_VMA, anonPath));
        m.avcObjs.add(t.alloc(cur, Trace.AVC, anonPath));
    }

    static void linkChild(Task parent, Task c) {
        c.nextSibling = null;
        c.prevSibling = parent.lastChild;
        if (parent.lastChild != null) parent.lastChild.nextSibling = c;
        else parent.firstChild = c;
        parent.lastChild = c;
    }

    static void unlinkChild(Task parent, Task c) {
        if (c.prevSibling != null) c.prevSibling.nextSibling = c.nextSibling;
        else parent.firstChild = c.nextSibling;
        if (c.nextSibling != null) c.nextSibling.prevSibling = c.prevSibling;
        else parent.lastChild = c.prevSibling;
        c.prevSibling = c.nextSibling = null;
    }

    /** dup_mmap + copy_page_range: VMAs copied, anon pages shared and write-protected in both. */
    Mm dupMm(Mm old) {
        Mm m = new Mm();
        m.imageVmas = old.imageVmas;
        m.dumpable = old.dumpable; // mmf_init_flags keeps the dumpable bits
        m.userNs = old.userNs;     // mm_init(mm, p, oldmm->user_ns)
        int n = old.nRegions;
        if (n > m.regionNames.length) {
            m.regionNames = new String[n];
            m.ptes = new int[n][];
            m.regionChain = new int[n];
        }
        // the child's VMAs link to the parent's anon_vmas and one new each: chains grow by one
        m.imageAnon = old.imageAnon;
        m.imageChain = old.imageChain + 1;
        for (int r = 1; r < n; r++) m.regionChain[r] = old.regionChain[r] > 0 ? old.regionChain[r] + 1 : 0;
        for (int r = 0; r < n; r++) {
            int[] src = old.ptes[r];
            int[] dst = new int[src.length];
            for (int i = 0; i < src.length; i++) {
                int pte = src[i];
                if (pte >= 2) {
                    w.frames.get(pte >>> 1);
                    pte &= ~1;
                    src[i] = pte;
                }
                dst[i] = pte;
            }
            m.regionNames[r] = old.regionNames[r];
            m.ptes[r] = dst;
        }
        m.nRegions = n;
        if (old.nVars > 0) {
            m.varNames = old.varNames.clone();
            m.varVals = old.varVals.clone();
            m.nVars = old.nVars;
        }
        w.slab[C_MM]++;
        w.slab[C_VMA] += m.vmaCount();
        return m;
    }

    int spawn(Task parent, String child, long cf, int sig) {
        Task old = w.names.get(child);
        if (old != null && old.exitState != Task.DEAD) throw StepError.error("name " + child + " is already bound");
        Object r = copyProcess(parent, cf, sig, false);
        if (r instanceof Integer e) {
            w.bind(child, Task.never()); // the name stays, for a process that never was
            return e;
        }
        w.bind(child, (Task) r);
        return 0;
    }

    void releaseVfork(Task child) {
        Task parent = releaseVforkLater(child);
        if (parent != null) resumeFromVfork(parent);
    }

    /** complete_vfork_done: the parent may run again; it has not run yet (null: nobody waited). */
    Task releaseVforkLater(Task child) {
        Task parent = child.vforkParent;
        if (parent == null) return null;
        child.vforkParent = null;
        if (parent.vforkChild == child) {
            parent.vforkChild = null;
            if (parent.run == Task.VFORK) parent.run = Task.IDLE;
            w.event(parent.name, Event.RESUMED, child.name);
            return parent;
        }
        return null;
    }

    /** The parent runs again: get_signal takes first the trap its tracer asked for (do_jobctl_trap), then what it was told of in D. */
    void resumeFromVfork(Task parent) {
        if (parent.exitState != Task.ALIVE) return;
        w.signal.joinGroupStop(parent, true);
        w.ptrace.takeTrap(parent);
        w.signal.takePending(parent);
    }
}
