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

    void setsid(Task t) {
        w.pid.putPid(t.pgrp);
        w.pid.putPid(t.session);
        t.pgrp = t;
        t.session = t;
        t.pidRefs += 2;
    }

    void setUidRaw(Task t, int uid) {
        w.nprocOf(t.uid)[0]--;
        w.nprocOf(uid)[0]++;
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
                int[] cnt = w.nprocOf(uid);
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
