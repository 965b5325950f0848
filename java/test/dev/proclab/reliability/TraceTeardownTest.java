package dev.proclab.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that traces leaves the machine's tracing as it found it: no instance of its own is left and
 * the top-level settings are the same, whether the run ends, its JVM is SIGKILLed (the agent then gets
 * SIGTERM from PR_SET_PDEATHSIG and tears down), its agent is SIGKILLed (Java runs
 * `proclab-agent --trace-clean`), or both are (the next agent to trace removes the stale instance).
 */
class TraceTeardownTest {
    /** A lab that starts tracing, forks, and then waits long enough to be killed. */
    private static final String LAB = """
            id: traced
            title: a traced lab that may be killed in the middle
            source: test
            questions: [q]
            steps:
              - observe: {kernel: [allocs, frees, events, stack.task_struct], label: before}
              - fork: {proc: main, child: kid}
              - observe: {kernel: [allocs.task_struct, events], since: before, expect: {allocs.task_struct: 1}}
              - pause: {for: %s}
              - observe: {kernel: [allocs.task_struct], since: before, expect: {allocs.task_struct: 1}}
            """;

    private TracefsState before;

    @BeforeEach
    void tracingWorksHere() throws Exception {
        assumeTrue(Posix.isLinux() && Posix.euid() == 0, "tracing needs root");
        assumeTrue(TracefsState.available(), "tracefs cannot be looked at here (unshare -m)");
        before = TracefsState.now();
    }

    private Process run(Path dir, String pause) throws Exception {
        Path lab = dir.resolve("traced.yaml");
        Files.writeString(lab, String.format(LAB, pause));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dproclab.agent=" + System.getProperty("proclab.agent"),
                "dev.proclab.cli.Main", "run", "--file", lab.toString(), "--no-color")
                .redirectErrorStream(true).redirectOutput(dir.resolve("jvm.log").toFile()).start();
    }

    /** The agent of a running lab JVM and the instance it made, once it has made one. */
    private record Traced(long agent, String instance) {}

    private Traced waitForInstance(Process jvm) {
        Traced[] seen = new Traced[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Long> agents = ProcScan.now().childrenNamed(jvm.pid(), "proclab-agent");
            if (agents.size() != 1) return false;
            String name = TracefsState.now().proclab().stream().filter(n -> n.startsWith("proclab-" + agents.get(0) + "-")).findFirst().orElse(null);
            if (name == null) return false;
            seen[0] = new Traced(agents.get(0), name);
            return true;
        });
        return seen[0];
    }

    private void assertAsBefore(String why) throws Exception {
        TracefsState after = TracefsState.now();
        assertEquals(before.proclab(), after.proclab(), why + ": proclab instances");
        assertEquals(before.topLevel(), after.topLevel(), why + ": the top-level tracing settings");
        assertEquals(before.hostMounts(), after.hostMounts(), why + ": tracefs mounts of the host");
    }

    @Test
    void aRunThatEndsLeavesTracingAsItWas(@TempDir Path dir) throws Exception {
        Process jvm = run(dir, "10ms");
        assertTrue(jvm.waitFor(120, TimeUnit.SECONDS), "the lab ends");
        String log = Files.readString(dir.resolve("jvm.log"));
        assertEquals(0, jvm.exitValue(), log);
        assertTrue(log.contains("allocs.task_struct") && log.contains("match"), log);
        assertAsBefore("after a run");
    }

    @Test
    void aKilledJvmLeavesTracingAsItWas(@TempDir Path dir) throws Exception {
        Process jvm = run(dir, "60s");
        Traced t = waitForInstance(jvm);
        jvm.destroyForcibly(); // SIGKILL: no shutdown hook; the agent gets SIGTERM as its parent dies
        jvm.waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> !TracefsState.now().instances().contains(t.instance()));
        assertAsBefore("after the JVM was SIGKILLed");
    }

    @Test
    void aKilledAgentIsCleanedUpByJava(@TempDir Path dir) throws Exception {
        Process jvm = run(dir, "60s");
        Traced t = waitForInstance(jvm);
        ProcessHandle.of(t.agent()).ifPresent(ProcessHandle::destroyForcibly);
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the JVM ends once its agent is gone");
        assertTrue(Files.readString(dir.resolve("jvm.log")).contains("proclab-agent died"));
        assertAsBefore("after the agent was SIGKILLed");
    }

    @Test
    void anInstanceLeftByAKilledRunIsRemovedByTheNextAgent(@TempDir Path dir) throws Exception {
        Process jvm = run(dir, "60s");
        Traced t = waitForInstance(jvm);
        // both die at once, the lab with them (the agent's process group): nobody is left to tear down
        Posix.killGroup(t.agent(), Posix.SIGKILL);
        jvm.destroyForcibly();
        jvm.waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(t.agent()).isEmpty());
        assertTrue(TracefsState.now().instances().contains(t.instance()), "a SIGKILLed agent cannot remove its instance");
        Process clean = new ProcessBuilder(System.getProperty("proclab.agent"), "--trace-clean").redirectErrorStream(true).start();
        String out = new String(clean.getInputStream().readAllBytes());
        assertTrue(clean.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, clean.exitValue(), out);
        assertAsBefore("after --trace-clean");
    }
}
