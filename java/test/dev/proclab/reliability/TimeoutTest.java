package dev.proclab.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.cli.Cli;
import dev.proclab.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hung lab is stopped, reported with the step it hung in, and leaves nothing behind. */
class TimeoutTest {
    private static List<String> agentsOfThisJvm() {
        return ProcScan.now().childrenNamed(ProcessHandle.current().pid(), "proclab-agent").stream().map(String::valueOf).toList();
    }

    @Test
    void aStepThatNeverSettlesIsReportedWithItsStep(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        Path lab = dir.resolve("hang.yaml");
        Files.writeString(lab, """
                id: hang
                title: a wait for a child that never ends
                source: test
                questions: [q]
                steps:
                  - fork: {proc: main, child: kid}
                  - block: {proc: kid}
                  - wait: {proc: main, for: kid}
                  - observe: {proc: main, fields: [wait]}
                """);
        Cli r = Cli.run("run", "--file", lab.toString(), "--no-color");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.out().replaceAll("\n +", " ").contains("failed: the real kernel failed at step 3 (wait in main at line 8)"), r.out());
        await().atMost(Duration.ofSeconds(3)).until(() -> agentsOfThisJvm().isEmpty());
    }

    @Test
    void aLabPastItsBudgetStopsAtTheStepItReached(@TempDir Path dir) throws Exception {
        Path lab = dir.resolve("slow.yaml");
        Files.writeString(lab, """
                id: slow
                title: a lab longer than its budget
                source: test
                questions: [q]
                steps:
                  - fork: {proc: main, child: kid}
                  - pause: {for: 1500ms}
                  - observe: {proc: kid, fields: [state], expect: {state: S}}
                """);
        long t0 = System.nanoTime();
        Cli r = Cli.run("run", "--file", lab.toString(), "--timeout", "1", "--no-color");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(3, r.exit(), r.out() + r.err());
        // the table fits 80 columns: the message may wrap, its next line indented
        assertTrue(r.out().replaceAll("\n +", " ").contains("ran past its timeout of 1000 ms before step 3 (observe in kid at line 8)"), r.out());
        assertTrue(ms < 10_000, "stopped promptly: " + ms + " ms");
        await().atMost(Duration.ofSeconds(3)).until(() -> agentsOfThisJvm().isEmpty());
        assertEquals(2, Cli.run("run", "--file", lab.toString(), "--timeout", "0").exit());
    }
}
