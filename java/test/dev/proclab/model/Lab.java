package dev.proclab.model;

import dev.proclab.kernel.Duration;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import java.util.List;
import java.util.Map;

/** A terse driver for ModelKernel in tests: steps by name, observations as plain values. */
final class Lab {
    static final Pos P = Pos.NONE;
    final ModelKernel k;
    StepResult last;

    Lab(Sandbox sb) {
        this(ModelConfig.DEFAULT, sb);
    }

    Lab(ModelConfig cfg, Sandbox sb) {
        k = new ModelKernel(cfg);
        try {
            k.begin(sb);
        } catch (KernelException e) {
            throw new AssertionError(e);
        }
    }

    /** A lab on a kernel made elsewhere (a replay), begun here without a sandbox. */
    Lab(ModelKernel kernel) {
        k = kernel;
        try {
            k.begin(Sandbox.NONE);
        } catch (KernelException e) {
            throw new AssertionError(e);
        }
    }

    static Lab plain() {
        return new Lab(Sandbox.NONE);
    }

    static Lab ns() {
        return new Lab(new Sandbox(true, null, null));
    }

    StepResult run(Step s) {
        try {
            return last = k.apply(s);
        } catch (KernelException e) {
            throw new AssertionError(e);
        }
    }

    String err(Step s) {
        return run(s).errno();
    }

    String fork(String p, String c) { return err(new Step.Fork(p, c, P)); }
    String vfork(String p, String c) { return err(new Step.VFork(p, c, P)); }
    String clone(String p, String c, List<String> flags, String sig) { return err(new Step.Clone(p, c, flags, sig, P)); }
    String exec(String p, String... argv) { return err(new Step.Exec(p, List.of(argv), P)); }
    String exit(String p, int code) { return err(new Step.Exit(p, code, P)); }
    String signal(String from, String to, String sig) { return err(new Step.Signal(from, to, sig, P)); }
    String waitFor(String p, String target, String... opts) { return err(new Step.Wait(p, target, List.of(opts), P)); }
    String hold(String p, long ms) { return err(new Step.Hold(p, Duration.ofMillis(ms), P)); }
    String spin(String p, long ms) { return err(new Step.Spin(p, Duration.ofMillis(ms), P)); }
    String block(String p) { return err(new Step.Block(p, P)); }
    String set(String p, String var, long v) { return err(new Step.SetVar(p, var, v, P)); }
    String add(String p, String var, long v) { return err(new Step.AddVar(p, var, v, P)); }
    String map(String p, String region, int pages) { return err(new Step.MapRegion(p, region, pages, P)); }
    String touch(String p, String region, PageRange r, boolean write) { return err(new Step.Touch(p, region, r, write, P)); }
    String subreaper(String p) { return err(new Step.Subreaper(p, P)); }
    String ignore(String p, String sig) { return err(new Step.Ignore(p, sig, P)); }
    String setuid(String p, int uid) { return err(new Step.SetUid(p, uid, P)); }
    String rlimit(String p, String res, long v) { return err(new Step.Rlimit(p, res, v, P)); }
    String ptrace(String p, String target) { return err(new Step.Ptrace(p, target, P)); }
    String pause(long ms) { return err(new Step.Pause(Duration.ofMillis(ms), P)); }
    String repeat(int times, Step... steps) { return err(new Step.Repeat(times, List.of(steps), P)); }

    List<Observation> observe(Step.Observe o) {
        return run(o).observations();
    }

    static Step.Observe procs(List<String> procs, List<String> fields) {
        return new Step.Observe(procs, null, fields, null, null, null, null, Map.of(), Map.of(), Map.of(), P);
    }

    Object get(String proc, String field) {
        List<Observation> l = observe(procs(List.of(proc), List.of(field)));
        if (l.size() != 1) throw new AssertionError(l);
        return l.get(0).value();
    }

    Object host(long pid, String field) {
        return observe(new Step.Observe(List.of(), pid, List.of(field), null, null, null, null, Map.of(), Map.of(), Map.of(), P))
                .get(0).value();
    }

    Object system(String field) {
        return observe(new Step.Observe(List.of(), null, List.of(), null, List.of(field), null, null, Map.of(), Map.of(), Map.of(), P))
                .get(0).value();
    }

    List<Observation> slab(List<String> caches, String label, String since) {
        return observe(new Step.Observe(List.of(), null, List.of(), caches, null, label, since, Map.of(), Map.of(), Map.of(), P));
    }

    long slabValue(String cache, String field, String since) {
        for (Observation o : slab(List.of(cache), null, since)) if (o.field().equals(cache + "." + field)) return (Long) o.value();
        throw new AssertionError("no " + cache + "." + field);
    }

    /** A kernel observe: a label (since null), or the fields since a label, narrowed to procs. */
    List<Observation> kernel(List<String> fields, String label, String since, String... procs) {
        return observe(new Step.Observe(List.of(procs), null, List.of(), null, null, fields, label, since, Map.of(), Map.of(), Map.of(), P));
    }

    Object kernelValue(String field, String since, String... procs) {
        List<Observation> l = kernel(List.of(field), null, since, procs);
        if (l.size() != 1 || l.get(0).isSkipped()) throw new AssertionError(l);
        return l.get(0).value();
    }

    /** The state letter; where the model answers an envelope, its values joined ("R or S"). */
    String state(String p) { return String.valueOf(get(p, "state")); }

    @SuppressWarnings("unchecked")
    Map<String, Object> waitOf(String p) { return (Map<String, Object>) get(p, "wait"); }

    long status(String p) { return (Long) waitOf(p).get("status"); }

    @SuppressWarnings("unchecked")
    Map<String, Object> frames(String p, String region) { return (Map<String, Object>) get(p, "frames." + region); }

    long num(String p, String field) { return (Long) get(p, field); }
}
