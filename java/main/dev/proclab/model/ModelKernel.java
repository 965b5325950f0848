package dev.proclab.model;

import dev.proclab.kernel.Branching;
import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.TaskView;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference kernel: what "Linux Kernel Development" chapter 3 says the kernel does, as a small
 * simulated kernel. This class is only the {@link Kernel} facade: the rules live in files named
 * like the kernel's own (Fork for kernel/fork.c, Exit for exit.c, Signal, Ptrace, Exec, Pid, Sys,
 * Memory), each rule naming in a comment the kernel function it mirrors; docs/model.md lists them
 * with what the model leaves out. It never touches the operating system.
 */
public final class ModelKernel implements Kernel, Branching {
    private final World w;

    public ModelKernel() {
        this(ModelConfig.DEFAULT);
    }

    public ModelKernel(ModelConfig cfg) {
        this.w = new World(cfg);
    }

    @Override
    public String name() {
        return "model";
    }

    public ModelConfig config() {
        return w.cfg;
    }

    /** The model's clock: microseconds of lab time since begin (advanced by pause and by waiting on busy processes). */
    public long clockMicros() {
        return w.clock;
    }

    @Override
    public void begin(Sandbox sandbox) throws KernelException {
        w.boot.begin(sandbox);
    }

    @Override
    public StepResult apply(Step step) throws KernelException {
        if (!w.begun) throw new KernelException(KernelException.Kind.BAD_STEP, "begin() first");
        w.events = null;
        w.returnedInStep.clear();
        try {
            if (step instanceof Step.Observe o) return w.procfs.observe(o);
            int err = step instanceof Step.Repeat r ? w.steps.repeat(r) : w.steps.doStep(step);
            List<Event> ev = w.events == null ? List.of() : List.copyOf(w.events);
            if (err == 0 && ev.isEmpty()) return StepResult.OK;
            return new StepResult(err == 0 ? null : Errno.name(err), List.of(), ev);
        } catch (StepError e) {
            if (e.kind == StepError.Kind.ERROR)
                throw new KernelException(KernelException.Kind.BAD_STEP, step.pos() + ": " + step.action() + ": " + e.getMessage());
            w.event(step.proc(), e.kind == StepError.Kind.BLOCKED ? Event.BLOCKED : Event.NOT_TAKEN, e.getMessage());
            return new StepResult(null, List.of(), List.copyOf(w.events));
        }
    }

    /** The lab's processes as the picture shows them (the agent too, outside a pid namespace). */
    @Override
    public List<TaskView> tasks() {
        List<TaskView> out = new ArrayList<>();
        if (!w.begun) return out;
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) {
            for (Task u = p; u != null; u = u.nextThread) {
                if (!u.labTask && !(u == w.agent && w.labNs == w.hostNs)) continue;
                PidNs view = u.ns;
                Object parent = u.realParent == null ? 0L : w.pid.pidRef(u.realParent.groupLeader, view);
                String name = u.name != null ? u.name : String.valueOf(u.nr[view.level]);
                out.add(new TaskView(name, u.nr[view.level], String.valueOf(parent), String.valueOf(w.procfs.state(u)), u.signal.nrThreads));
            }
        }
        return out;
    }

    @Override
    public void close() {
        // the agent kills and reaps every lab process: in the model, they are simply forgotten
        w.begun = false;
        w.names.clear();
        w.timed.clear();
        w.waiters.clear();
    }

    @Override
    public List<Integer> choices() {
        return List.copyOf(w.choiceArities);
    }

    @Override
    public List<String> choiceNames() {
        return List.copyOf(w.choiceNames);
    }

    @Override
    public List<List<String>> choiceWays() {
        return List.copyOf(w.choiceWays);
    }

    @Override
    public ModelKernel replay(List<Integer> ways) {
        ModelKernel k = new ModelKernel(w.cfg);
        k.w.forcedWays = List.copyOf(ways);
        return k;
    }

    // for tests and benchmarks

    /** The number of a named process in the namespace it lives in (or -1). */
    public long pidOf(String name) {
        Task t = w.names.get(name);
        return t == null || t.nr == null ? -1 : t.nr[t.ns.level];
    }

    /** Frames in use by every mm of the model (for tests of COW bookkeeping). */
    public long framesInUse() {
        return w.frames.inUse;
    }

    /** Tasks not yet released, kernel threads and the host world included (nr_threads). */
    public int nrThreads() {
        return w.nrThreads;
    }

    /** for_each_process: the leaders from init_task's list, as (host pid, comm). */
    public List<String> processList() {
        List<String> out = new ArrayList<>();
        for (Task p = w.swapper.nextTask; p != w.swapper; p = p.nextTask) out.add(p.nr[0] + " " + p.comm);
        return out;
    }
}
