package dev.proclab.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * One iteration of a {@code repeat}: {@code {i}} in process names is the innermost iteration,
 * 0-based (LAB-FORMAT.md). The parser, the model and anyone unrolling a repeat share this.
 */
public final class Iteration {
    private Iteration() {}

    /** {@code name} with {@code {i}} replaced by {@code i}; null stays null. */
    public static String name(String name, int i) {
        return name == null ? null : name.replace("{i}", Integer.toString(i));
    }

    /**
     * The step as iteration {@code i} runs it: {@code {i}} replaced in its process names. A nested
     * repeat is returned as it is: inside it, {@code {i}} is its own iteration.
     */
    public static Step withIndex(Step s, int i) {
        if (s instanceof Step.Fork x) return new Step.Fork(name(x.proc(), i), name(x.child(), i), x.pos());
        if (s instanceof Step.VFork x) return new Step.VFork(name(x.proc(), i), name(x.child(), i), x.pos());
        if (s instanceof Step.Clone x) return new Step.Clone(name(x.proc(), i), name(x.child(), i), x.flags(), x.signal(), x.pos());
        if (s instanceof Step.Exec x) return new Step.Exec(name(x.proc(), i), x.argv(), x.pos());
        if (s instanceof Step.Exit x) return new Step.Exit(name(x.proc(), i), x.code(), x.pos());
        if (s instanceof Step.Signal x) return new Step.Signal(name(x.proc(), i), name(x.to(), i), x.sig(), x.pos());
        if (s instanceof Step.Wait x) return new Step.Wait(name(x.proc(), i), name(x.target(), i), x.options(), x.pos());
        if (s instanceof Step.Hold x) return new Step.Hold(name(x.proc(), i), x.duration(), x.pos());
        if (s instanceof Step.Block x) return new Step.Block(name(x.proc(), i), x.pos());
        if (s instanceof Step.Spin x) return new Step.Spin(name(x.proc(), i), x.duration(), x.pos());
        if (s instanceof Step.SetVar x) return new Step.SetVar(name(x.proc(), i), x.var(), x.value(), x.pos());
        if (s instanceof Step.AddVar x) return new Step.AddVar(name(x.proc(), i), x.var(), x.value(), x.pos());
        if (s instanceof Step.MapRegion x) return new Step.MapRegion(name(x.proc(), i), x.region(), x.pages(), x.pos());
        if (s instanceof Step.Touch x) return new Step.Touch(name(x.proc(), i), x.region(), x.pages(), x.write(), x.pos());
        if (s instanceof Step.Subreaper x) return new Step.Subreaper(name(x.proc(), i), x.pos());
        if (s instanceof Step.Ignore x) return new Step.Ignore(name(x.proc(), i), x.sig(), x.pos());
        if (s instanceof Step.SetUid x) return new Step.SetUid(name(x.proc(), i), x.uid(), x.pos());
        if (s instanceof Step.Rlimit x) return new Step.Rlimit(name(x.proc(), i), x.resource(), x.value(), x.pos());
        if (s instanceof Step.Ptrace x) return new Step.Ptrace(name(x.proc(), i), name(x.target(), i), x.pos());
        if (s instanceof Step.SetPgid x) return new Step.SetPgid(name(x.proc(), i), name(x.target(), i), name(x.pgid(), i), x.pos());
        if (s instanceof Step.SetSid x) return new Step.SetSid(name(x.proc(), i), x.pos());
        if (s instanceof Step.Handle x) return new Step.Handle(name(x.proc(), i), x.sig(), x.pos());
        if (s instanceof Step.Mask x) return new Step.Mask(name(x.proc(), i), x.block(), x.unblock(), x.pos());
        if (s instanceof Step.Observe x) {
            List<String> procs = new ArrayList<>();
            for (String p : x.procs()) procs.add(name(p, i));
            return new Step.Observe(List.copyOf(procs), x.hostPid(), x.fields(), x.slab(), x.system(), x.kernel(), x.label(),
                    x.since(), x.sinceProc() == null ? null : name(x.sinceProc(), i), x.expect(), x.tolerance(), x.explain(), x.pos());
        }
        return s; // Pause, Repeat
    }
}
