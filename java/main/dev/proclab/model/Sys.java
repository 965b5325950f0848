package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;

/**
 * kernel/sys.c: setsid, setuid (set_user, flag_nproc_exceeded), setrlimit (do_prlimit).
 */
final class Sys {
    private final World w;

    Sys(World w) {
        this.w = w;
    }

    /** set_special_pids at boot (init, the JVM, the agent, a namespace's main): t leads a session of its own. */
    void setsid(Task t) {
        t.signal.leader = true;
        joinGroup(t, t, t);
    }

    /**
     * ksys_setsid: EPERM for a session leader, and for a process whose pid is some group's pgid (a group
     * leader, or one whose group outlives its place in it); else the group leads a new session and a new
     * process group, both named by its pid.
     */
    int setsidCall(Task cur) {
        Task leader = cur.groupLeader;
        if (leader.signal.leader) return Errno.EPERM;
        if (groupExists(leader)) return Errno.EPERM; // pid_task(sid, PIDTYPE_PGID)
        leader.signal.leader = true;
        joinGroup(leader, leader, leader);
        return 0;
    }

    /**
     * sys_setpgid(pid, pgid) as proc calls it: {@code p} the process that moves (null: pid 0, proc's own
     * group leader), {@code pg} the process whose pid is the new pgid (null: pgid 0, p's own pid). The
     * checks in the kernel's order: ESRCH (no such process in proc's namespace), EINVAL (not a group
     * leader), for a child of proc's group EPERM (another session) and EACCES (it has exec'd), ESRCH for
     * anyone else but proc itself, EPERM for a session leader, EPERM for a group that does not exist in
     * proc's session.
     */
    int setpgid(Task cur, Task p, Task pg) {
        Task groupLeader = cur.groupLeader;
        if (p == null) p = groupLeader; // task_pid_vnr(group_leader)
        else if (p.exitState == Task.DEAD || p.never || !Pid.visible(p, cur.ns)) return Errno.ESRCH; // find_task_by_vpid
        if (!p.isLeader()) return Errno.EINVAL;
        if (p.realParent != null && p.realParent.signal == groupLeader.signal) { // same_thread_group(p->real_parent, group_leader)
            if (p.session != groupLeader.session) return Errno.EPERM;
            if ((p.flags & PF_FORKNOEXEC) == 0) return Errno.EACCES;
        } else if (p != groupLeader) {
            return Errno.ESRCH;
        }
        if (p.signal.leader) return Errno.EPERM;
        Task pgrp = p; // task_pid(p)
        if (pg != null && pg != p) {
            // find_vpid(pgid) → pid_task(PIDTYPE_PGID): a number proc cannot see names no group; a group
            // lives while a member (a zombie too) has not been released, its leader gone or not
            if (pg.never || !Pid.visible(pg, cur.ns)) return Errno.EPERM;
            Task g = anyMember(pg);
            if (g == null || g.session != groupLeader.session) return Errno.EPERM;
            pgrp = pg;
        }
        if (p.pgrp != pgrp) joinGroup(p, pgrp, p.session); // change_pid(p, PIDTYPE_PGID, pgrp)
        return 0;
    }

    /** A process of the group named by pg's pid that the kernel still has attached (not released). */
    Task anyMember(Task pg) {
        for (Task q = w.swapper.nextTask; q != w.swapper; q = q.nextTask) if (q.pgrp == pg && q.exitState != Task.DEAD) return q;
        return null;
    }

    boolean groupExists(Task pg) {
        return anyMember(pg) != null;
    }

    /** The group's pgid and sid change (they live in signal_struct: every thread's view), each number referenced while used. */
    private void joinGroup(Task p, Task pgrp, Task session) {
        for (Task u = p.groupLeader; u != null; u = u.nextThread) {
            if (u.pgrp != pgrp) {
                pgrp.pidRefs++;
                w.pid.putPid(u.pgrp);
                u.pgrp = pgrp;
            }
            if (u.session != session) {
                session.pidRefs++;
                w.pid.putPid(u.session);
                u.session = session;
            }
        }
    }

    void setUidRaw(Task t, int uid) {
        w.nprocOf(t.kuid)[0]--;
        w.nprocOf(kernelUid(t, uid))[0]++;
        t.uid = t.suid = uid;
        t.kuid = t.ksuid = kernelUid(t, uid);
    }

    /** make_kuid: the kernel's uid for a uid of t's user namespace (its map: all uids, or 0 → the agent's). */
    int kernelUid(Task t, int uid) {
        if (!t.inUserNs || t.mappedUid == ALL_UIDS) return uid;
        if (t.mappedUid == 0 && uid == 0) return w.cfg.uid();
        return t.kuid; // unmapped: the credentials do not change
    }


    /** __sys_setuid + set_user/flag_nproc_exceeded. */
    int setuid(Task p, int uid) {
        if (uid < 0) return Errno.EINVAL;
        // make_kuid: a uid its user namespace does not map is invalid
        if (p.inUserNs && p.mappedUid != ALL_UIDS && uid != p.mappedUid) return Errno.EINVAL;
        if (p.nsCapable()) {
            p.flags |= PF_SUPERPRIV; // ns_capable_setid(CAP_SETUID)
            if (uid != p.uid) {
                int[] cnt = w.nprocOf(kernelUid(p, uid));
                long lim = p.signal.soft(Sig.NPROC);
                if (uid != 0 && lim != RLIM_INFINITY && cnt[0] > lim) p.flags |= PF_NPROC_EXCEEDED;
                else p.flags &= ~PF_NPROC_EXCEEDED;
                setUidRaw(p, uid);
                // commit_creds: a changed uid leaves the mm as dumpable as fs.suid_dumpable says
                if (p.mm != null && w.cfg.suidDumpable() == 0) p.mm.dumpable = false;
            }
            return 0;
        }
        if (uid == p.uid || uid == p.suid) return 0; // only the effective uid changes
        return Errno.EPERM;
    }

    /** do_prlimit: soft and hard set together; raising the hard limit needs CAP_SYS_RESOURCE. */
    int setrlimit(Task p, String resource, long value) {
        String r = resource.startsWith("RLIMIT_") ? resource.substring(7) : resource;
        int idx = -1;
        for (int i = 0; i < RLIMITS.length; i++) if (RLIMITS[i].equals(r)) idx = i;
        if (idx < 0) return Errno.EINVAL;
        long v = value < 0 ? RLIM_INFINITY : value;
        if (idx == 7 && (v == RLIM_INFINITY || v > NR_OPEN)) return Errno.EPERM; // RLIMIT_NOFILE above nr_open
        long oldHard = p.signal.rlimMax[idx];
        boolean raise = oldHard != RLIM_INFINITY && (v == RLIM_INFINITY || v > oldHard);
        if (raise) {
            // capable(CAP_SYS_RESOURCE): the initial namespace's root, and only where the machine grants it
            if (!p.capable() || !w.cfg.capSysResource()) return Errno.EPERM;
            p.flags |= PF_SUPERPRIV;
        }
        p.signal.rlim[idx] = v;
        p.signal.rlimMax[idx] = v;
        return 0;
    }
}
