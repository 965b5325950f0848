package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.CloneFlags;
import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Iteration;
import dev.proclab.kernel.Signals;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.WaitStatus;
import java.util.List;

/**
 * The system-call layer: each lab step becomes the calls a lab process makes, made by a process that can run
 * its command loop (the agent waits for a busy one; the model advances its clock). {@code repeat} loops here.
 */
final class Steps {
    private final World w;

    Steps(World w) {
        this.w = w;
    }

    /** repeat: the loop runs here; {i} is the innermost iteration; failures are counted, not fatal. */
    int repeat(Step.Repeat r) {
        List<Step> body = r.steps();
        int n = body.size();
        boolean[] subst = new boolean[n];
        for (int k = 0; k < n; k++) subst[k] = !(body.get(k) instanceof Step.Repeat) && mentionsI(body.get(k));
        int last = 0;
        for (int i = 0; i < r.times(); i++) {
            for (int k = 0; k < n; k++) {
                Step s = body.get(k);
                if (subst[k]) s = Iteration.withIndex(s, i);
                int e;
                try {
                    e = s instanceof Step.Repeat inner ? repeat(inner) : s instanceof Step.Observe ? 0 : doStep(s);
                } catch (StepError ex) {
                    if (ex.holdsRepeat) throw ex;
                    // counted as the agent counts it: a failure, without an errno of its own
                    e = 0;
                }
                if (e != 0) last = e;
            }
        }
        return last;
    }

    static boolean has(String s) {
        return s != null && s.contains("{i}");
    }

    static boolean mentionsI(Step s) {
        if (has(s.proc())) return true;
        if (s instanceof Step.Fork f) return has(f.child());
        if (s instanceof Step.VFork f) return has(f.child());
        if (s instanceof Step.Clone f) return has(f.child());
        if (s instanceof Step.Signal f) return has(f.to());
        if (s instanceof Step.Wait f) return has(f.target());
        if (s instanceof Step.Ptrace f) return has(f.target());
        if (s instanceof Step.SetPgid f) return has(f.target()) || has(f.pgid());
        return false;
    }

    /** The named process, which must exist (bound by an earlier step). */
    Task lookup(String name) {
        Task t = w.names.get(name);
        if (t == null) throw StepError.error("no process named " + name);
        return t;
    }

    /**
     * The process that performs a step, once it can run its command loop: the agent waits for a
     * hold or spin to end, and for a blocking wait while a child's program still runs (it may end
     * the wait): so does the model's clock. A process that only a later step could wake (stopped,
     * in pause(), a vfork parent, in a wait with nothing to end it) takes no step (BLOCKED); nor
     * does one that has ended or never was (NOT_TAKEN). docs/lab-format.md, "Blocked processes".
     */
    Task actor(String name, boolean vforkChildOk) {
        Task t = lookup(name);
        if (t == w.agent) throw StepError.error("the agent takes no steps");
        if (!t.labTask) throw StepError.error(name + " is not a lab process");
        if (t.never) throw StepError.notTaken(name + " does not exist: the step that was to create it failed");
        if (t.execd && t.exitState == Task.ALIVE) throw StepError.blocked(name + " runs another program since its exec and takes no lab step");
        if (t.vforkParent != null && !vforkChildOk) throw StepError.error(name + " is a vfork child: only exit or exec");
        for (;;) {
            if (t.exitState == Task.DEAD) throw StepError.notTaken(name + " has been reaped");
            if (t.exitState != Task.ALIVE) throw StepError.notTaken(name + " has ended");
            if (t.traceStopped) throw StepError.blocked(name + " is stopped by its tracer (t) and takes no step");
            if (t.stopped) throw StepError.blocked(name + " is stopped (T) and takes no step until it is continued");
            if (t.run == Task.HOLD || t.run == Task.SPIN) {
                if (t.busyUntil > w.clock) w.time.advance(t.busyUntil);
                else t.run = Task.IDLE;
                continue;
            }
            if (t.run == Task.ZAP) throw StepError.notTaken(name + " has ended (its exit waits in zap_pid_ns_processes)");
            if (t.run == Task.VFORK) throw StepError.blocked(name + " is blocked in vfork (D) until its child execs or exits");
            if (t.run == Task.EXEC) throw StepError.blocked(name + " is blocked in execve() (D): de_thread waits until the tracer of its traced zombie thread releases it");
            if (t.run == Task.ATTACH) throw StepError.blocked(name + " is blocked in ptrace(PTRACE_SEIZE): the exec of "
                    + (t.attachTarget.name == null ? "its target" : t.attachTarget.name) + " holds cred_guard_mutex while it waits in de_thread");
            if (t.run == Task.BLOCK) throw StepError.blocked(name + " is blocked in pause() until a signal it catches");
            if (t.run == Task.WAIT) {
                long wake = w.exit.programEnds(t);
                if (wake < 0) throw StepError.blocked(name + " is blocked in waitpid(), and none of its children will change state by itself");
                w.time.advance(wake);
                continue;
            }
            return t;
        }
    }

    int doStep(Step s) {
        try {
            return takeStep(s);
        } catch (StepError e) {
            // a child that a step not taken did not make: its name stays, for a process that never was
            String child = s instanceof Step.Fork f ? f.child() : s instanceof Step.VFork v ? v.child() : s instanceof Step.Clone c ? c.child() : null;
            if (child != null && e.kind != StepError.Kind.ERROR && !w.names.containsKey(child)) w.bind(child, Task.never());
            throw e;
        }
    }

    private int takeStep(Step s) {
        if (s instanceof Step.Pause p) {
            w.time.advance(w.clock + p.duration().micros());
            return 0;
        }
        int err;
        Task who, execing = null, attaching = null;
        if (s instanceof Step.Signal sg) {
            who = sg.proc() == null ? null : actor(sg.proc(), false);
            err = w.signal.kill(who, lookup(sg.to()), sg.sig());
            if (err == 0 && who != null && Signals.number(sg.sig()) > 0) w.trace.event(who, "signal_generate", lookup(sg.to()), sg.sig());
        } else if (s instanceof Step.Fork f) {
            who = actor(f.proc(), false);
            err = w.fork.spawn(who, f.child(), 0, Signals.SIGCHLD);
        } else if (s instanceof Step.VFork f) {
            who = actor(f.proc(), false);
            err = w.fork.spawn(who, f.child(), CloneFlags.VFORK | CloneFlags.VM, Signals.SIGCHLD);
        } else if (s instanceof Step.Clone f) {
            who = actor(f.proc(), false);
            long cf;
            try {
                cf = CloneFlags.mask(f.flags());
            } catch (IllegalArgumentException e) {
                throw StepError.error(e.getMessage());
            }
            int sig;
            if (f.signal() == null || f.signal().equals("-")) sig = Signals.SIGCHLD;
            else if (f.signal().equals("0") || f.signal().equalsIgnoreCase("none")) sig = 0;
            else {
                sig = Signals.number(f.signal());
                if (sig <= 0) throw StepError.error("unknown signal " + f.signal());
            }
            if ((cf & CloneFlags.THREAD) != 0) sig = -1; // threads have no exit signal
            err = w.fork.spawn(who, f.child(), cf, sig);
        } else if (s instanceof Step.Exec e) {
            who = actor(e.proc(), true);
            err = w.exec.exec(who, e.argv());
            if (err == Exec.BLOCKS) {
                err = 0; // it waits in de_thread: the exec goes on when its traced zombie threads are released
                execing = who;
            }
            who = w.names.get(e.proc()); // a thread's exec leaves its name with its old tid (de_thread)
        } else if (s instanceof Step.Exit e) {
            who = actor(e.proc(), true);
            w.exit.doExit(who, WaitStatus.exited(e.code()));
            err = 0;
        } else if (s instanceof Step.Ptrace pt) {
            who = actor(pt.proc(), false);
            err = w.ptrace.ptrace(who, lookup(pt.target()));
            if (err == Ptrace.BLOCKS) {
                err = 0; // its errno is set when the call returns
                attaching = who;
                who = null;
            }
        } else if (s instanceof Step.Wait wt) {
            who = actor(wt.proc(), false);
            err = w.exit.waitStep(who, wt.target(), wt.options());
            if (err == Exit.BLOCKS) {
                err = 0; // its errno and wait are set when the call returns
                who = null;
            }
        } else {
            who = actor(s.proc(), false);
            err = simpleStep(who, s);
        }
        if (who != null) who.errno = err;
        settle(execing != null ? execing : attaching);
        if (attaching != null && attaching.run == Task.ATTACH) {
            w.event(attaching.name, Event.BLOCKS, attaching.name + " blocks in ptrace(PTRACE_SEIZE): the exec of "
                    + pt(attaching) + " holds cred_guard_mutex while it waits in de_thread; the call returns when the exec goes on");
        }
        if (execing != null && execing.run == Task.EXEC) {
            w.event(execing.name, Event.BLOCKS, execing.name + " blocks in execve(): de_thread waits for its traced zombie thread"
                    + " to be released (its tracer's wait, or its tracer's exit); the exec goes on then");
        }
        return err;
    }

    /**
     * What a step set going settles: signals the kernel sent are delivered, woken waiters return,
     * execs whose traced zombies are released go on, each perhaps enabling another. {@code quiet}:
     * an exec this step began, whose going on is no news.
     */
    void settle(Task quiet) {
        boolean again;
        do {
            // a blocked waiter the step woke runs __do_wait before it looks at its signals: it reaps the
            // child whose exit signal is about to kill it (do_wait), then the kernel's signals go
            if (!w.waiters.isEmpty()) w.exit.recheckWaiters();
            w.signal.flushKernelSignals();
            if (!w.waiters.isEmpty()) w.exit.recheckWaiters();
            again = w.signal.resumeWoken();
            again |= !w.execBlocked.isEmpty() && w.exec.settle(quiet);
            again |= !w.attachers.isEmpty() && w.ptrace.settle(quiet);
            again |= !w.zapping.isEmpty() && w.exit.settleZap();
        } while (again);
    }

    private static String pt(Task t) {
        return t.attachTarget == null || t.attachTarget.name == null ? "its target" : t.attachTarget.name;
    }

    int simpleStep(Task p, Step s) {
        if (s instanceof Step.Hold h) {
            p.run = Task.HOLD;
            p.busyUntil = w.clock + h.duration().micros();
            w.timed.add(new Timer(p.busyUntil, p));
        } else if (s instanceof Step.Spin h) {
            p.run = Task.SPIN;
            p.busyUntil = w.clock + h.duration().micros();
            w.timed.add(new Timer(p.busyUntil, p));
        } else if (s instanceof Step.Block) {
            p.run = Task.BLOCK; // pause(): only a signal it catches (handle) ends it (Signal.runHandlers)
        } else if (s instanceof Step.SetVar v) {
            w.memory.writeVar(p, v.var(), v.value(), false);
        } else if (s instanceof Step.AddVar v) {
            w.memory.writeVar(p, v.var(), v.value(), true);
        } else if (s instanceof Step.MapRegion m) {
            if (m.pages() <= 0) return Errno.EINVAL;
            if (p.mm.region(m.region()) >= 0) throw StepError.error("region " + m.region() + " is already mapped");
            p.mm.addRegion(m.region(), m.pages()); // do_mmap: one anonymous private VMA
            w.slab[C_VMA]++;
            p.mm.vmaObjs.add(w.trace.alloc(p, Trace.VMA, java.util.List.of("kmem_cache_alloc", "vm_area_alloc", "mmap_region", "do_mmap", "sys_mmap")));
        } else if (s instanceof Step.Touch t) {
            w.memory.touch(p, t.region(), t.pages(), t.write());
        } else if (s instanceof Step.Subreaper) {
            p.signal.isChildSubreaper = true; // prctl(PR_SET_CHILD_SUBREAPER)
        } else if (s instanceof Step.Ignore ig) {
            int sig = Signals.number(ig.sig());
            // do_sigaction: SIGKILL and SIGSTOP cannot be ignored
            if (sig <= 0 || sig > 64 || sig == Signals.SIGKILL || sig == Signals.SIGSTOP) return Errno.EINVAL;
            p.sighand.ignored |= 1L << sig;
            p.sighand.handled &= ~(1L << sig);
            p.signal.pending &= ~(1L << sig);
        } else if (s instanceof Step.SetUid u) {
            return w.sys.setuid(p, u.uid());
        } else if (s instanceof Step.Rlimit r) {
            return w.sys.setrlimit(p, r.resource(), r.value());
        } else if (s instanceof Step.SetPgid g) {
            return w.sys.setpgid(p, g.target() == null ? null : lookup(g.target()), g.pgid() == null ? null : lookup(g.pgid()));
        } else if (s instanceof Step.SetSid) {
            return w.sys.setsidCall(p);
        } else if (s instanceof Step.Handle h) {
            int sig = Signals.number(h.sig());
            // do_sigaction: SIGKILL and SIGSTOP cannot be caught
            if (sig <= 0 || sig > 64 || sig == Signals.SIGKILL || sig == Signals.SIGSTOP) return Errno.EINVAL;
            p.sighand.handled |= 1L << sig;
            p.sighand.ignored &= ~(1L << sig); // nothing pending is flushed: a handled signal is not ignored
            // the agent makes the variable its handler counts in (a write to the variables' page), once
            String var = Signal.caughtVar(sig);
            if (p.mm != null && p.mm.var(var) < 0) w.memory.writeVar(p, var, 0, false);
        } else if (s instanceof Step.Mask k) {
            // sigprocmask(SIG_SETMASK) of this thread: SIGKILL and SIGSTOP cannot be blocked (sigdelsetmask)
            long add = 0, drop = 0;
            for (String g : k.block()) add |= 1L << Signals.number(g);
            for (String g : k.unblock()) drop |= 1L << Signals.number(g);
            add &= ~(1L << Signals.SIGKILL | 1L << Signals.SIGSTOP);
            long blocked = (p.blocked | add) & ~drop;
            // __set_current_blocked returns at once when the mask is unchanged: no recalc_sigpending, so a
            // group signal that complete_signal gave another thread (asleep in vfork) stays with that one
            if (blocked == p.blocked) return 0;
            p.blocked = blocked;
            // back to user mode: it takes what it no longer blocks (it may stop, or die, before it answers)
            w.signal.deliver(p);
        } else {
            throw StepError.error("unknown step " + s.action());
        }
        return 0;
    }
}
