package dev.proclab.bench;

import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.model.ModelConfig;
import dev.proclab.model.ModelKernel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Speed and size of the reference model (not timed tests): fork+exit+wait steps per second on one
 * core, a full pass through PID_MAX_LIMIT pids with the wrap, and the heap of 100,000 live tasks.
 * Run: {@code java -cp target/classes dev.proclab.bench.ModelBench}.
 */
public final class ModelBench {
    private ModelBench() {}

    static final ModelConfig BIG = ModelConfig.DEFAULT.withHostPidMax(ModelConfig.PID_MAX_LIMIT).withThreadsMax(4_000_000);

    private static ModelKernel world() throws KernelException {
        ModelKernel k = new ModelKernel(BIG);
        k.begin(new Sandbox(true, ModelConfig.PID_MAX_LIMIT, null));
        return k;
    }

    private static Step.Repeat forkExitWait(int times) {
        return new Step.Repeat(times, List.of(
                new Step.Fork("main", "c", Pos.NONE),
                new Step.Exit("c", 0, Pos.NONE),
                new Step.Wait("main", "c", List.of(), Pos.NONE)), Pos.NONE);
    }

    /** fork+exit+wait through ModelKernel.apply (a repeat, as a lab runs it): steps (each of the three counts one) per second. */
    public static double stepsPerSecond(int iterations, int rounds) throws KernelException {
        double[] r = new double[rounds];
        ModelKernel k = world();
        k.apply(forkExitWait(iterations)); // warm-up
        k.apply(forkExitWait(iterations));
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            k.apply(forkExitWait(iterations));
            long dt = System.nanoTime() - t0;
            r[i] = 3.0 * iterations / (dt / 1e9);
        }
        return Stats.median(r);
    }

    /** Seconds to allocate (fork, exit, reap) through all PID_MAX_LIMIT pids of a namespace, wrap included. */
    public static double fullWrapSeconds(int rounds) throws KernelException {
        double[] r = new double[rounds];
        world().apply(forkExitWait(1_000_000)); // warm-up
        for (int i = 0; i < rounds; i++) {
            ModelKernel k = world();
            long t0 = System.nanoTime();
            k.apply(forkExitWait(ModelConfig.PID_MAX_LIMIT));
            r[i] = (System.nanoTime() - t0) / 1e9;
            // pids 2..4194303, then the wrap: the last two forks got 300 and 301
            if (k.pidOf("c") != 301) throw new IllegalStateException("no wrap: last pid " + k.pidOf("c"));
        }
        return Stats.median(r);
    }

    /** Heap in use (MiB, after GC) with {@code n} live tasks forked from main, the whole JVM's heap included. */
    public static double heapMiB(int n, int rounds) throws KernelException {
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ModelKernel k = world();
            k.apply(new Step.Repeat(n, List.of(new Step.Fork("main", "w{i}", Pos.NONE)), Pos.NONE));
            if (k.pidOf("w" + (n - 1)) < 0) throw new IllegalStateException("forks failed");
            r[i] = usedHeapMiB();
            if (k.nrThreads() < n) throw new IllegalStateException();
        }
        return Stats.median(r);
    }

    private static double usedHeapMiB() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }


    /** Measures the three figures: steps_per_s, full_wrap_s, heap_100k_tasks_mib. */
    public static Map<String, Double> run() throws KernelException {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("steps_per_s", stepsPerSecond(1_000_000, 5));
        m.put("full_wrap_s", fullWrapSeconds(3));
        m.put("heap_100k_tasks_mib", heapMiB(100_000, 3));
        return m;
    }

    /** The figures as lines "name value". */
    public static List<String> lines(Map<String, Double> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + " " + (k.equals("steps_per_s") ? String.valueOf(Math.round(v)) : String.format(java.util.Locale.ROOT, "%.3f", v))));
        return out;
    }

    public static void main(String[] args) throws Exception {
        for (String l : lines(run())) System.out.println(l);
    }
}
