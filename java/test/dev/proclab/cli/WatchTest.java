package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * proclab watch -- ./waitpid 1 (the slides' program, a 1 s sleep): the child is a zombie for the
 * parent's sleep, then reaped with status 256; the same as JSON events; through the proc connector
 * and through /proc; saved as a lab that runs on both kernels; Ctrl-C leaves nothing.
 */
class WatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path waitpid() {
        Path p = Path.of(System.getProperty("proclab.agent")).resolveSibling("waitpid");
        assumeTrue(Files.isExecutable(p), "the examples are built by CMake beside the agent: " + p);
        return p;
    }

    @Test
    void theChildIsAZombieForTheParentsSleepThenReapedWithStatus256() {
        assumeTrue(Posix.isLinux(), "watch needs Linux");
        for (String source : List.of("cn_proc", "proc")) {
            Cli r = Cli.run("watch", "--no-color", "--source", source, "--", waitpid().toString(), "1");
            assertEquals(0, r.exit(), source + "\n" + r.out() + r.err());
            String out = r.out().replaceAll("\n +", " ");
            Matcher exit = Pattern.compile("(\\d+\\.\\d+) s +exit +(\\d+) +waitpid: exited 1 \\(status 256\\); now Z <defunct>: a zombie until (\\d+) waitpid waits").matcher(out);
            assertTrue(exit.find(), source + ": the child's exit, a zombie\n" + out);
            String child = exit.group(2), parent = exit.group(3);
            Matcher reap = Pattern.compile("(\\d+\\.\\d+) s +reap +" + child + " +waitpid: reaped by " + parent
                    + " waitpid after (\\d+\\.\\d+) s as a zombie; its wait status: exited 1 \\(status 256\\)").matcher(out);
            assertTrue(reap.find(), source + ": its reap by the parent\n" + out);
            double zombie = Double.parseDouble(reap.group(2));
            assertTrue(zombie >= 0.95 && zombie < 3, source + ": a zombie for the parent's 1 s sleep, not " + zombie);
            assertTrue(out.contains("| this is child, then exit") && out.contains("| waitpid done, status = 256"), "the program's own output\n" + out);
            assertTrue(out.contains("Summary: 2 processes"), out);
            if (source.equals("proc")) assertTrue(out.contains("This may miss: a process that forks, exits and is reaped within one scan"), out);
            else assertTrue(out.contains("the events come from the kernel's proc connector: exact"), out);
        }
    }

    @Test
    void jsonShowsTheSameAsEvents() throws Exception {
        assumeTrue(Posix.isLinux(), "watch needs Linux");
        Cli r = Cli.run("watch", "--json", "--", waitpid().toString(), "1");
        assertEquals(0, r.exit(), r.out() + r.err());
        List<JsonNode> events = new ArrayList<>();
        for (String l : r.out().split("\n")) if (!l.isBlank()) events.add(JSON.readTree(l));
        long last = -1;
        JsonNode exit = null, reap = null;
        long root = events.get(0).get("pid").asLong();
        for (JsonNode e : events) {
            for (String k : List.of("t_us", "event", "pid")) assertTrue(e.has(k), k + " in " + e);
            assertTrue(List.of("fork", "exec", "exit", "state", "reap").contains(e.get("event").asText()), e.toString());
            assertTrue(e.get("t_us").asLong() >= 0);
            last = Math.max(last, e.get("t_us").asLong());
            if (e.get("event").asText().equals("exit") && e.get("pid").asLong() != root) exit = e;
            if (e.get("event").asText().equals("reap") && e.get("pid").asLong() != root) reap = e;
        }
        assertNotNull(exit, r.out());
        assertNotNull(reap, r.out());
        assertEquals("Z", exit.get("state").asText());
        assertEquals(256, exit.get("status").asInt());
        assertEquals(1, exit.get("code").asInt());
        assertEquals(root, exit.get("ppid").asLong());
        assertEquals(256, reap.get("status").asInt());
        assertEquals(root, reap.get("ppid").asLong(), "reaped by its parent");
        assertTrue(reap.get("zombie_us").asLong() >= 950_000, "a zombie for the parent's sleep: " + reap);
        assertEquals(reap.get("t_us").asLong() - exit.get("t_us").asLong(), reap.get("zombie_us").asLong(), 2_000, "zombie_us is exit to reap");
        assertTrue(r.err().contains("this is child, then exit"), "the program's output goes to standard error: " + r.err());
    }

    @Test
    void whatWasSeenIsSavedAsALabThatRunsOnBothKernels(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "watch needs Linux");
        Path lab = dir.resolve("waitpid-seen.yaml");
        Cli w = Cli.run("watch", "--no-color", "--save-lab", lab.toString(), "--", waitpid().toString(), "1");
        assertEquals(0, w.exit(), w.out() + w.err());
        String text = Files.readString(lab);
        assertTrue(text.contains("  - fork: {proc: main, child: child1}"), text);
        assertTrue(text.contains("  - exit: {proc: child1, code: 1}"), text);
        assertTrue(text.contains("  - wait: {proc: main, for: child1}"), text);
        Cli run = Cli.run("run", "--file", lab.toString(), "--no-color");
        assertEquals(0, run.exit(), text + "\n" + run.out() + run.err());
        assertTrue(run.out().contains("waitpid-seen: 4 match, 0 differs"), run.out());
        assertEquals(2, Cli.run("watch", "--save-lab", dir.resolve("Not An Id.txt").toString(), "--", "true").exit());
    }

    @Test
    void aProgramThatDoesNotExistIsExitCode2() {
        assumeTrue(Posix.isLinux(), "watch needs Linux");
        Cli r = Cli.run("watch", "--", "/no/such/program");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("cannot run /no/such/program (ENOENT)"), r.err());
    }

    @Test
    void ctrlCKillsTheWholeTreeAndSaysSo() throws Exception {
        assumeTrue(Posix.isLinux(), "watch needs Linux");
        try (LiveCli cli = LiveCli.start(Map.of(), "watch", "--no-color", "--", "sh", "-c", "sleep 60 & sleep 60 & wait")) {
            String out = cli.await("exec sleep 60", 2, 60);
            List<Long> pids = new ArrayList<>();
            Matcher m = Pattern.compile("exec +(\\d+) +sleep: exec sleep 60").matcher(out);
            while (m.find()) pids.add(Long.parseLong(m.group(1)));
            Matcher sh = Pattern.compile("exec +(\\d+) +sh: exec sh -c").matcher(out);
            assertTrue(sh.find(), out);
            pids.add(Long.parseLong(sh.group(1)));
            assertEquals(3, pids.size(), out);
            assertTrue(Posix.kill(cli.pid(), 2), "SIGINT, as Ctrl-C sends it");
            assertEquals(0, cli.finish(30), cli.output());
            assertTrue(cli.output().contains("Stopped by Ctrl-C: everything the program started was killed."), cli.output());
            assertTrue(cli.output().replaceAll("\n +", " ").contains("killed by SIGKILL (status 9)"), cli.output());
            for (long p : pids) assertFalse(Files.exists(Path.of("/proc/" + p)), "left behind: " + p + "\n" + cli.output());
        }
    }
}
