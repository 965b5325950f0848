package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.bench.ModelBench;
import dev.proclab.kernel.Duration;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.WaitStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of LAB-FORMAT.md, step by step, and every step type once. */
class LabFormatExamplesTest {
    static final Pos P = Pos.NONE;

    static Step.Observe obs(List<String> procs, List<String> fields) {
        return new Step.Observe(procs, null, fields, null, null, null, null, Map.of(), Map.of(), Map.of(), P);
    }

    @Test
    void theZombieLab() throws Exception {
        try (Kernel k = new ModelKernel()) {
            k.begin(new Sandbox(true, null, null));
            assertEquals(StepResult.OK, k.apply(new Step.Fork("main", "kid", P)));
            assertEquals(StepResult.OK, k.apply(new Step.Exit("kid", 1, P)));
            assertEquals(List.of(Observation.of("kid", "state", "Z"), Observation.of("kid", "ppid", "main")),
                    k.apply(obs(List.of("kid"), List.of("state", "ppid"))).observations());
            k.apply(new Step.Wait("main", "kid", List.of(), P));
            assertEquals(List.of(Observation.of("main", "wait", WaitStatus.decode("kid", 256))),
                    k.apply(obs(List.of("main"), List.of("wait"))).observations());
            assertEquals(List.of(Observation.of("kid", "exists", false)), k.apply(obs(List.of("kid"), List.of("exists"))).observations());
        }
    }

    @Test
    void everyStepType() throws Exception {
        ModelKernel k = new ModelKernel();
        k.begin(Sandbox.NONE);
        List<Step> steps = List.of(
                new Step.Fork("main", "a", P),
                new Step.VFork("a", "v", P),
                new Step.Exec("v", List.of("/bin/sleep", "1"), P),
                new Step.Clone("main", "t", List.of("CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_THREAD"), null, P),
                new Step.Exit("t", 0, P),
                new Step.Signal(null, "a", "SIGSTOP", P),
                new Step.Wait("main", "a", List.of("WUNTRACED"), P),
                new Step.Signal("main", "a", "SIGCONT", P),
                new Step.Hold("a", Duration.ofMillis(10), P),
                new Step.Spin("main", Duration.ofMillis(5), P),
                new Step.SetVar("main", "x", 1, P),
                new Step.AddVar("main", "x", 2, P),
                new Step.MapRegion("main", "heap", 8, P),
                new Step.Touch("main", "heap", PageRange.ALL, true, P),
                new Step.Subreaper("main", P),
                new Step.Ignore("main", "SIGCHLD", P),
                new Step.SetUid("a", 0, P),
                new Step.Rlimit("a", "NPROC", 100, P),
                new Step.Fork("main", "b", P),
                new Step.Ptrace("main", "b", P),
                new Step.Pause(Duration.ofMillis(2000), P),
                new Step.Repeat(3, List.of(new Step.Fork("a", "r{i}", P)), P),
                new Step.Block("a", P),
                new Step.Observe(List.of("main"), null, List.of("var.x"), List.of("task_struct"), List.of("pid_max"), "l", null,
                        Map.of(), Map.of(), Map.of(), P));
        for (Step s : steps) {
            StepResult r = k.apply(s);
            assertNull(r.errno(), s.toString());
        }
        assertEquals("Z", k.apply(obs(List.of("v"), List.of("state"))).observations().get(0).value());
        assertEquals(3L, k.apply(obs(List.of("main"), List.of("var.x"))).observations().get(0).value());
        assertEquals(List.of("v", "r0", "r1", "r2"), k.apply(obs(List.of("a"), List.of("children"))).observations().get(0).value());
        k.close();
        assertEquals(List.of(), k.tasks());
    }

    @Test
    void hostWorldLayout() {
        Lab l = Lab.plain();
        assertEquals("java", l.host(9, "comm"));
        assertEquals(1L, l.host(9, "ppid"));
        assertEquals(10L, l.get("agent", "pid"));
        assertEquals("R", l.state("agent"));
        assertEquals(11L, l.get("main", "pid"));
        assertEquals("agent", l.get("agent", "pgid"));
    }

    @Test
    void benchmarkRunsAtSmallSizes() throws Exception {
        assertTrue(ModelBench.stepsPerSecond(1000, 1) > 0);
        assertTrue(ModelBench.heapMiB(1000, 1) > 0);
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("steps_per_s", 2_500_000.4);
        m.put("full_wrap_s", 1.5);
        m.put("heap_100k_tasks_mib", 60.25);
        assertEquals(List.of("steps_per_s 2500000", "full_wrap_s 1.500", "heap_100k_tasks_mib 60.250"), ModelBench.lines(m));
    }
}
