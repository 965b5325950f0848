package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.Envelope;
import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PfFlags;
import dev.proclab.kernel.Signals;
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
        if (!o.kernel().isEmpty()) return StepResult.observed(w.trace.observe(o));
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
        if (o.system() != null && !o.system().isEmpty()) {
            long[] since = o.since() == null ? null : w.systemLabels.get(o.since());
            long[] now = new long[o.system().size()];
            for (int i = 0; i < now.length; i++) {
                String f = o.system().get(i);
                Observation ob = systemField(f);
                Object v = ob.value();
                now[i] = v instanceof Long l ? l : Long.MIN_VALUE;
                if (o.since() != null && !ob.isSkipped()) {
                    // a delta from the label's reading of the same field
                    int j = since == null ? -1 : systemLabelIndex(o.since(), f);
                    if (j < 0 || since[j] == Long.MIN_VALUE || v == null) ob = Observation.skip("system", f, "no reading of " + f + " labelled " + o.since());
                    else ob = Observation.of("system", f, (Long) v - since[j]);
                }
                out.add(ob);
            }
            if (o.label() != null) {
                w.systemLabels.put(o.label(), now);
                w.systemLabelFields.put(o.label(), o.system());
            }
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

    private int systemLabelIndex(String label, String field) {
        List<String> fs = w.systemLabelFields.get(label);
        return fs == null ? -1 : fs.indexOf(field);
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
            // meminfo KernelStack: every task that has not exited owns a kernel stack of THREAD_SIZE (the book's 8 KiB)
            case "kernel_stack_kb" -> Observation.of("system", f, aliveTasks() * Layout.BOOK_THREAD_SIZE_KB);
            default -> {
                if (f.startsWith("sizeof.") || f.startsWith("offsetof.")) {
                    if (w.layout.notInBook(f)) yield Observation.of("system", f, null);
                    Long v = w.layout.field(f);
                    yield v == null ? Observation.skip("system", f, "the model was not told " + f + " (it is read from the machine's BTF)")
                            : Observation.of("system", f, v);
                }
                yield Observation.skip("system", f, "unknown system field " + f);
            }
        };
    }

    private static final java.util.Set<String> KNOWN_OF_A_PROGRAM = java.util.Set.of("comm", "pid", "tgid", "ppid");
    /** Tasks that still have a kernel stack: every task not yet exited, kernel threads and the idle task included. */
    private long aliveTasks() {
        long n = 0;
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            for (Task u = p; u != null; u = u.nextThread) if (u.exitState == Task.ALIVE) n++;
        }
        return n + 1; // init_task's own stack
    }

    Observation procField(String subj, Task t, String f, boolean lab) {
        if (!Fields.isProcessField(f)) return Observation.skip(subj, f, "unknown field " + f);
        if (lab && (f.equals("errno") || f.equals("wait"))) {
            if (t == null) return Observation.of(subj, f, null);
            if (f.equals("errno")) return Observation.of(subj, f, t.errno == 0 ? null : Errno.name(t.errno));
            if (!t.waitValid) return Observation.of(subj, f, null);
            if (t.waitTask != null && t.waitTask.unmodelled != null) return Observation.skip(subj, f, t.waitTask.unmodelled);
            Object pid = t.waitTask == null ? (Object) 0L : w.pid.pidRef(t.waitTask, t.ns);
            return Observation.of(subj, f, WaitStatus.decode(pid, t.waitStatus));
        }
        // a program the model does not know: what it certainly has (its name, its pid, its parent while
        // the lab has not reaped it) is said; how it runs and ends is not
        if (t != null && t.unmodelled != null && (t.exitState == Task.DEAD || !KNOWN_OF_A_PROGRAM.contains(f)))
            return Observation.skip(subj, f, t.unmodelled);
        boolean exists = t != null && t.exitState != Task.DEAD && (lab || t.nr[0] != 0);
        if (f.equals("exists")) return Observation.of(subj, f, exists);
        if (!exists) return Observation.of(subj, f, null);
        // pid-valued fields as the lab's namespace sees them (a nested namespace's init has main as
        // its parent, not 0); "pid N" subjects as the host sees them; pid itself in its own namespace
        PidNs view = lab ? w.labNs : w.hostNs;
        Object v;
        switch (f) {
            case "pid" -> v = (long) t.nr[(lab ? t.ns : w.hostNs).level];
            case "ppid" -> v = t.realParent == null ? 0L : w.pid.pidRef(t.realParent.groupLeader, view);
            case "tgid" -> v = w.pid.pidRef(t.groupLeader, view);
            case "pgid" -> v = w.pid.pidRef(t.groupLeader.pgrp, view);
            case "sid" -> v = w.pid.pidRef(t.groupLeader.session, view);
            case "state" -> v = stateSeen(t);
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
            // /proc/PID/status's signal sets (bit n-1 is signal n); a zombie takes no signal: null
            case "pending" -> v = t.exitState != Task.ALIVE ? null : Signals.names(t.signal.pending >>> 1);
            case "blocked" -> v = t.exitState != Task.ALIVE ? null : Signals.names(t.blocked >>> 1);
            case "caught" -> v = t.exitState != Task.ALIVE ? null : Signals.names(t.sighand.handled >>> 1);
            case "ignored" -> v = t.exitState != Task.ALIVE ? null : Signals.names(t.sighand.ignored >>> 1);
            case "wchan" -> {
                v = w.wchan.wchan(t);
                if (spinMayBeOver(t)) v = Envelope.of(SPIN_OVER, v, w.wchan.idleWchan());
            }
            case "kstack" -> {
                List<String> s = w.wchan.stack(t);
                if (s == null) return Observation.skip(subj, f, "the model does not say where " + (t.labTask ? "a running task" : "a process outside the lab") + " is in the kernel");
                v = s;
            }
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

    /**
     * The state letter, or an envelope where it depends on how far the real clock has run: a spin
     * not yet over in lab time may be over in the real kernel, which spends time on every step too.
     */
    Object stateSeen(Task t) {
        return spinMayBeOver(t) ? Envelope.of(SPIN_OVER, "R", "S") : String.valueOf(state(t));
    }

    private static final String SPIN_OVER = "its spin may be over by now (the lab's clock only counts holds, pauses and waits)";

    private boolean spinMayBeOver(Task t) {
        return state(t) == 'R' && t.run == Task.SPIN && t.busyUntil > w.clock;
    }

    char state(Task t) {
        if (t.exitState == Task.ZOMBIE) return 'Z';
        if (t.exitState == Task.DEAD) return 'X';
        if (t.run == Task.VFORK || t.run == Task.EXEC) return 'D';
        if (t.traceStopped) return 't';
        if (t.stopped) return 'T';
        return switch (t.run) {
            case Task.SPIN, Task.RUNNING -> 'R';
            case Task.KIDLE -> 'I';
            default -> 'S';
        };
    }
}
