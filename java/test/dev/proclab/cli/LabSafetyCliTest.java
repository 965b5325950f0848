package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a lab runs is said before it runs; a lab whose step could never run is refused with its place. */
class LabSafetyCliTest {
    private static final String EXECS = """
            id: ex
            title: programs
            steps:
              - fork: {proc: main, child: k}
              - exec: {proc: k, argv: [/bin/echo, "hi there", "\\u001b[31mred"]}
              - repeat: {times: 2, steps: [{fork: {proc: main, child: "w{i}"}}, {exec: {proc: "w{i}", argv: ["true"]}}]}
            """;

    @Test
    void showListsEveryProgramALabRuns(@TempDir Path dir) throws Exception {
        Path lab = dir.resolve("ex.yaml");
        Files.writeString(lab, EXECS);
        Cli r = Cli.run("show", "--file", lab.toString(), "--no-color");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Programs it runs (with your privileges):"), r.out());
        // the escape character is shown escaped, never sent raw to the terminal
        assertTrue(r.out().contains("line 5, k: /bin/echo \"hi there\" \"\\x1b[31mred\""), r.out());
        assertTrue(r.out().contains("line 6, w{i}: true"), r.out());
        assertFalse(r.out().contains("\u001b[31m"), r.out());
    }

    @Test
    void runOfALabFromOutsideTheLibraryListsItsProgramsFirst(@TempDir Path dir) throws Exception {
        Path lab = dir.resolve("ex.yaml");
        Files.writeString(lab, EXECS);
        Cli r = Cli.run("run", "--file", lab.toString(), "--no-color");
        assertTrue(r.err().contains(lab + " runs these programs with your privileges"), r.err());
        assertTrue(r.err().contains("line 5, k: /bin/echo"), r.err());
        // the model alone runs no program: nothing to say then
        assertFalse(Cli.run("run", "--file", lab.toString(), "--model-only").err().contains("runs these programs"));
        // proclab's own labs are not flagged
        Cli own = Cli.run("run", "fork-exec-wait", "--model-only", "--no-color");
        assertFalse(own.err().contains("runs these programs"), own.err());
    }

    @Test
    void aStepOfAProcessThatCouldNeverRunIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path lab = dir.resolve("bl.yaml");
        Files.writeString(lab, """
                id: bl
                title: blocked
                steps:
                  - fork: {proc: main, child: kid}
                  - signal: {to: kid, sig: SIGSTOP}
                  - fork: {proc: kid, child: g}
                  - fork: {proc: main, child: sleeper}
                  - exec: {proc: sleeper, argv: [sleep, "1"]}
                  - wait: {proc: main, for: sleeper}
                  - fork: {proc: main, child: h}
                """);
        Cli r = Cli.run("run", "--file", lab.toString(), "--no-color");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(lab + ":6:5: kid is stopped (T)"), r.err());
        assertTrue(r.err().contains("since step 2 (signal at line 5)"), r.err());
        // main's wait ends by itself when sleep 1 exits: its next step waits for it, it is not refused
        assertFalse(r.err().contains(":10:5:"), r.err());
    }
}
