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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes killed from outside: the JVM running a lab, or its agent. Afterwards nothing the
 * lab started may remain, zombies included.
 */
class KillFromOutsideTest {
    /** A lab that builds a small tree (an orphan, a zombie, a stopped and an exec'd process) and then waits. */
    private static final String LAB = """
            id: slow
            title: a lab that is killed in the middle
            source: test
            questions: [q]
            steps:
              - fork: {proc: main, child: a}
              - fork: {proc: a, child: orphan}
              - block: {proc: orphan}
              - exit: {proc: a, code: 0}
              - fork: {proc: main, child: z}
              - exit: {proc: z, code: 1}
              - fork: {proc: main, child: stopped}
              - block: {proc: stopped}
              - signal: {to: stopped, sig: SIGSTOP}
              - fork: {proc: main, child: sleeper}
              - exec: {proc: sleeper, argv: [/bin/sleep, "60"]}
              - pause: {for: 60s}
              - observe: {proc: main, fields: [state], expect: {state: S}}
            """;

    private record Running(Process jvm, long agent, Set<Long> lab) {}

    private static Running start(Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "Linux only");
        Path lab = dir.resolve("slow.yaml");
        Files.writeString(lab, LAB);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dproclab.agent=" + System.getProperty("proclab.agent"),
                "dev.proclab.cli.Main", "run", "--file", lab.toString(), "--no-color")
                .redirectErrorStream(true).redirectOutput(dir.resolve("jvm.log").toFile()).start();
        AtomicReference<Running> seen = new AtomicReference<>();
        // the lab is in the middle once main has its four children (a's orphan went to the agent)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            ProcScan s = ProcScan.now();
            List<Long> agents = s.childrenNamed(jvm.pid(), "proclab-agent");
            if (agents.size() != 1) return false;
            Set<Long> tree = s.tree(agents.get(0));
            tree.remove(agents.get(0));
            boolean sleeping = tree.stream().anyMatch(p -> s.get(p).comm().equals("sleep"));
            if (tree.size() < 6 || !sleeping) return false;
            seen.set(new Running(jvm, agents.get(0), tree));
            return true;
        });
        return seen.get();
    }

    @Test
    void killingTheJvmTakesTheAgentAndTheWholeLabWithIt(@TempDir Path dir) throws Exception {
        Running r = start(dir);
        r.jvm().destroyForcibly(); // SIGKILL: no shutdown hook runs
        r.jvm().waitFor(10, TimeUnit.SECONDS);
        Set<Long> everything = new java.util.HashSet<>(r.lab());
        everything.add(r.agent());
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertEquals(List.of(), ProcScan.living(everything), "left running after the JVM was killed"));
        // the agent reaped its lab and ended; with its parent gone, its own zombie is init's to reap
        // (this VM's init does so every second or two)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertEquals(List.of(), ProcScan.alive(everything), "left behind after the JVM was killed"));
    }

    @Test
    void killingTheAgentIsReportedAndLeavesNothing(@TempDir Path dir) throws Exception {
        Running r = start(dir);
        ProcessHandle.of(r.agent()).ifPresent(ProcessHandle::destroyForcibly);
        assertTrue(r.jvm().waitFor(20, TimeUnit.SECONDS), "the JVM ends once its agent is gone");
        String log = Files.readString(dir.resolve("jvm.log"));
        assertEquals(3, r.jvm().exitValue(), log);
        assertTrue(log.contains("proclab-agent died"), log);
        // A SIGKILLed agent cannot reap: its killed lab is reparented to init. Nothing may live on;
        // the zombies are init's to reap (this VM's init does so every second or two).
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertEquals(List.of(), ProcScan.living(r.lab()), "alive after the agent was killed"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertEquals(List.of(), ProcScan.alive(r.lab()), "not reaped by init after the agent was killed"));
    }

}
