package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PfFlags;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.WaitStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * fs/proc: what /proc shows of the model's tasks (stat, status, pagemap), /proc/sys and /proc/slabinfo.
 */
final class ProcFs {
    private final World w;

    ProcFs(World w) {
        this.w = w;
    }


    StepResult observe(Step.Observe o) {
        List<Observation> out = new ArrayList<>();
        List<String> fields = o.fields() == null ? List.of() : o.fields();
        if (o.procs() != null) {
            for (String n : o.procs()) {
                Task t = w.names.get(n);
                for (String f : fields) out.add(procField(n, t, f, true));
            }
        }
        if (o.hostPid() != null) {
            String subj = "pid " + o.hostPid();
            Task t = w.hostNs.find(o.hostPid());
            for (String f : fields) out.add(procField(subj, t, f, false));
        }
        if (o.system() != null) {
            for (String f : o.system()) out.add(systemField(f));
        }
        if (o.slab() != null && !o.slab().isEmpty()) {
            long[] since = null;
            if (o.since() != null) {
                since = w.slabLabels.get(o.since());
            }
            for (String cache : o.slab()) {
                int c = cacheIndex(cache);
                for (String f : Fields.slabFields(o)) {
                    String field = cache + "." + f;
                    if (c < 0) out.add(Observation.skip("slab", field, "the model keeps no slab cache " + cache));
                    else if (o.since() != null && since == null) out.add(Observation.skip("slab", field, "no slab reading labelled " + o.since()));
                    else {
                        long v = slabField(c, f, w.slab[c]);
                        if (since != null) v -= slabField(c, f, since[c]);
                        out.add(Observation.of("slab", field, v));
                    }
                }
            }
        }
        if (o.label() != null) w.slabLabels.put(o.label(), w.slab.clone());
        return StepResult.observed(out);
    }

    static int cacheIndex(String name) {
        for (int i = 0; i < CACHES.length; i++) if (CACHES[i].equals(name)) return i;
        return -1;
    }

    long slabField(int c, String f, long active) {
        SlabGeometry g = w.cfg.slabs().get(CACHES[c]);
        return switch (f) {
            case "active_objs" -> active;
            case "num_objs" -> (active + g.objperslab() - 1) / g.objperslab() * g.objperslab();
            case "objsize" -> g.objsize();
            case "objperslab" -> g.objperslab();
            case "pagesperslab" -> g.pagesperslab();
            default -> 0;
        };
    }

    Observation systemField(String f) {
        PidNs ns = w.labNs;
        return switch (f) {
            case "pid_max" -> Observation.of("system", f, (long) ns.pidMax);
            case "ns_last_pid" -> Observation.of("system", f, (long) ns.lastPid());
            case "threads_max" -> Observation.of("system", f, (long) w.cfg.threadsMax());
            default -> Observation.skip("system", f, "unknown system field " + f);
        };
    }

    Observation procField(String subj, Task t, String f, boolean lab) {
        if (!Fields.isProcessField(f)) return Observation.skip(subj, f, "unknown field " + f);
        if (lab && (f.equals("errno") || f.equals("wait"))) {
            if (t == null) return Observation.of(subj, f, null);
            if (f.equals("errno")) return Observation.of(subj, f, t.errno == 0 ? null : Errno.name(t.errno));
            if (!t.waitValid) return Observation.of(subj, f, null);
            Object pid = t.waitTask == null ? (Object) 0L : w.pid.pidRef(t.waitTask, t.ns);
            return Observation.of(subj, f, WaitStatus.decode(pid, t.waitStatus));
        }
        boolean exists = t != null && t.exitState != Task.DEAD && (lab || t.nr[0] != 0);
        if (f.equals("exists")) return Observation.of(subj, f, exists);
        if (!exists) return Observation.of(subj, f, null);
        PidNs view = lab ? t.ns : w.hostNs; // a lab process as its namespace sees it; "pid N" as the host sees it
        Object v;
        switch (f) {
            case "pid" -> v = (long) t.nr[view.level];
            case "ppid" -> v = t.realParent == null ? 0L : w.pid.pidRef(t.realParent.groupLeader, view);
            case "tgid" -> v = w.pid.pidRef(t.groupLeader, view);
            case "pgid" -> v = w.pid.pidRef(t.groupLeader.pgrp, view);
            case "sid" -> v = w.pid.pidRef(t.groupLeader.session, view);
            case "state" -> v = String.valueOf(state(t));
            case "comm" -> v = t.comm;
            case "threads" -> v = (long) t.signal.nrThreads;
            case "flags" -> v = PfFlags.names(t.flags & 0xffffffffL);
            case "kthread" -> v = (t.flags & PF_KTHREAD) != 0;
            case "children" -> {
                List<Object> l = new ArrayList<>();
                for (Task c = t.firstChild; c != null; c = c.nextSibling) l.add(w.pid.pidRef(c, view));
                v = l;
            }
            case "minflt" -> {
                long sum = t.signal.minfltDead;
                for (Task u = t.groupLeader; u != null; u = u.nextThread) sum += u.minflt;
                v = sum;
            }
            case "majflt" -> v = 0L;
            case "rss_anon_kb" -> v = t.mm == null ? null : w.memory.rssAnonKb(t.mm);
            case "vm_pte_kb" -> v = t.mm == null ? null : w.memory.vmPteKb(t.mm);
            case "wait", "errno" -> v = null;
            default -> {
                if (f.startsWith("flags.")) {
                    long bit = PfFlags.bit(f.substring(6));
                    if (bit == 0) return Observation.skip(subj, f, "no flag " + f.substring(6));
                    v = (t.flags & bit) != 0;
                } else if (f.startsWith("var.")) {
                    v = null;
                    if (lab && t.mm != null && t.exitState == Task.ALIVE && !t.execd) {
                        int i = t.mm.var(f.substring(4));
                        if (i >= 0) v = t.mm.varVals[i];
                    }
                } else if (f.startsWith("frames.")) {
                    v = null;
                    if (lab && t.mm != null && t.exitState == Task.ALIVE && !t.execd) v = w.memory.framesOf(t.mm, f.substring(7));
                } else {
                    return Observation.skip(subj, f, "unknown field " + f);
                }
            }
        }
        return Observation.of(subj, f, v);
    }

    char state(Task t) {
        if (t.exitState == Task.ZOMBIE) return 'Z';
        if (t.exitState == Task.DEAD) return 'X';
        if (t.run == Task.VFORK) return 'D';
        if (t.traceStopped) return 't';
        if (t.stopped) return 'T';
        return switch (t.run) {
            case Task.SPIN, Task.RUNNING -> 'R';
            case Task.KIDLE -> 'I';
            default -> 'S';
        };
    }
}
