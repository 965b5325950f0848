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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --timeout holds: whatever step runs when the lab's budget ends (a pause, a step waiting for a
 * spinning or held process, a long repeat) stops within a second of it, is named by its number and
 * line, the rows before it are kept, and nothing is left behind.
 */
class TimeoutTest {
    private static List<String> agentsOfThisJvm() {
        return ProcScan.now().childrenNamed(ProcessHandle.current().pid(), "proclab-agent").stream().map(String::valueOf).toList();
    }

    private static final String HEAD = """
            id: slow
            title: a lab longer than its budget
            source: test
            questions: [q]
            steps:
              - fork: {proc: main, child: kid}
              - observe: {proc: kid, fields: [state], expect: {state: S}}
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pause       | '  - pause: {for: 30s}'                                                        | step 3 (pause at line 8)",
        "spin        | '  - spin: {proc: kid, for: 30s}\n  - set: {proc: kid, var: x, value: 1}'     | step 4 (set in kid at line 9)",
        "hold        | '  - hold: {proc: kid, for: 30s}\n  - exit: {proc: kid, code: 0}'             | step 4 (exit in kid at line 9)",
        "repeat      | '  - repeat: {times: 100000, steps: [{spin: {proc: kid, for: 1ms}}]}'          | step 3 (repeat in kid at line 8)",
    })
    void theStepRunningWhenTheBudgetEndsStopsWithinASecond(String name, String tail, String where, @TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        Path lab = dir.resolve("slow.yaml");
        Files.writeString(lab, HEAD + tail.replace("\\n", "\n") + "\n");
        long t0 = System.nanoTime();
        Cli r = Cli.run("run", "--file", lab.toString(), "--timeout", "2", "--no-color");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(3, r.exit(), r.out() + r.err());
        String out = r.out().replaceAll("\n +", " ");
        assertTrue(out.contains("ran past its time budget of 2 s in " + where), r.out());
        // the row observed before the step that hung is kept
        assertTrue(out.contains("1 match, 0 differs"), r.out());
        // the budget starts after the probe of the machine; a second of slack, and a little for the JVM's own start
        assertTrue(ms < 2_000 + 1_000 + 700, "stopped within a second of the budget: " + ms + " ms");
        await().atMost(Duration.ofSeconds(3)).until(() -> agentsOfThisJvm().isEmpty());
    }

    @Test
    void aTimeoutOfZeroIsABadCommandLine(@TempDir Path dir) throws Exception {
        Path lab = dir.resolve("slow.yaml");
        Files.writeString(lab, HEAD);
        assertEquals(2, Cli.run("run", "--file", lab.toString(), "--timeout", "0").exit());
    }
}
