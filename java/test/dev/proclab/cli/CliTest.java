package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.kernel.Capability;
import dev.proclab.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> VERDICTS = Set.of("match", "differs", "explained", "expect-failed", "skipped");

    @Test
    void theZombieLabMatchesOnTheRealKernel() {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        Cli r = Cli.run("run", "zombie", "--no-color");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("zombie: 4 match, 0 differs, 0 explained, 0 expect-failed, 0 skipped"), r.out());
    }

    @Test
    void jsonIsTheDocumentOfTheFormat() throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        Cli r = Cli.run("run", "zombie", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        checkDocument(doc);
        assertEquals("zombie", doc.get("lab").asText());
        for (JsonNode row : doc.get("rows")) assertEquals("match", row.get("verdict").asText(), row.toString());
        JsonNode first = doc.get("rows").get(0);
        assertEquals(3, first.get("step").asInt());
        assertEquals("kid", first.get("proc").asText());
        assertEquals("state", first.get("field").asText());
        assertEquals("Z", first.get("real").asText());
        JsonNode wait = doc.get("rows").get(2);
        assertEquals(256, wait.get("real").get("status").asInt());
        assertEquals(4, doc.get("summary").get("match").asInt());
    }

    @Test
    void severalLabsMakeAnArray() throws Exception {
        Cli r = Cli.run("run", "zombie", "fork-memory", "--json", "--model-only");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertTrue(doc.isArray());
        assertEquals(2, doc.size());
        for (JsonNode d : doc) checkDocument(d);
    }

    /** The shape LAB-FORMAT.md documents: every key, every type, every verdict name. */
    static void checkDocument(JsonNode doc) {
        assertTrue(doc.get("lab").isTextual());
        assertTrue(doc.get("kernel").get("release").isTextual());
        assertTrue(doc.get("kernel").get("machine").isTextual());
        Set<String> caps = new TreeSet<>();
        doc.get("capabilities").fieldNames().forEachRemaining(caps::add);
        Set<String> want = new TreeSet<>();
        for (Capability c : Capability.values()) want.add(c.id());
        assertEquals(want, caps);
        doc.get("capabilities").forEach(v -> assertTrue(v.isBoolean()));
        assertTrue(doc.get("rows").isArray());
        for (JsonNode row : doc.get("rows")) {
            for (String k : List.of("step", "proc", "field", "expected", "model", "real", "verdict", "note")) assertTrue(row.has(k), k + " in " + row);
            assertTrue(row.get("step").isInt());
            assertTrue(VERDICTS.contains(row.get("verdict").asText()));
        }
        Set<String> summary = new TreeSet<>();
        doc.get("summary").fieldNames().forEachRemaining(summary::add);
        assertEquals(new TreeSet<>(VERDICTS), summary);
        int total = 0;
        for (JsonNode n : doc.get("summary")) total += n.asInt();
        assertEquals(doc.get("rows").size(), total);
    }

    @Test
    void aBrokenLabFileIsExitCode2WithFileLineColumn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, "id: broken\ntitle: t\nsteps:\n  - frok: {proc: main, child: kid}\n");
        Cli r = Cli.run("run", "--file", f.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(f + ":4:5: unknown step frok; did you mean fork?"), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void unknownLabsAndOptionsAreExitCode2() {
        Cli r = Cli.run("run", "zombi");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("zombie"), "suggests the lab: " + r.err());
        assertEquals(2, Cli.run("run", "--no-such-option").exit());
        assertEquals(2, Cli.run("run").exit());
        assertEquals(2, Cli.run("frobnicate").exit());
    }

    @Test
    void modelOnlyRunsEveryLabWithoutTheRealKernel() {
        Cli r = Cli.run("run", "--all", "--model-only", "--no-color");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("real side skipped: --model-only"));
        assertFalse(r.out().contains("expect-failed  "), r.out());
    }

    @Test
    void onAMachineThatIsNotLinuxEveryLabRunsOnTheModelAndSaysWhy() {
        String old = System.getProperty("proclab.os");
        System.setProperty("proclab.os", "Mac OS X");
        try {
            Cli r = Cli.run("run", "--all", "--no-color");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("real side skipped: needs linux: not Linux (Mac OS X)"), r.out());
            assertFalse(r.out().contains(" match\n"), "no row can match without a real side");
        } finally {
            if (old == null) System.clearProperty("proclab.os");
            else System.setProperty("proclab.os", old);
        }
    }

    @Test
    void doctorTellsEveryCapabilityAndHowItKnows() {
        assumeTrue(Posix.isLinux(), "doctor probes Linux");
        Cli r = Cli.run("doctor", "--no-color");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("kernel: "), r.out());
        for (Capability c : Capability.values()) {
            assertTrue(r.out().matches("(?s).*\\n" + c.id() + ":\\s+(yes|no )\\s+— \\S.*"), c.id() + " in\n" + r.out());
        }
    }

    @Test
    void labsShowAndVersion() {
        Cli labs = Cli.run("labs", "--no-color");
        assertEquals(0, labs.exit());
        assertTrue(labs.out().contains("zombie"));
        assertTrue(labs.out().lines().filter(l -> l.contains("runs here") || l.contains("model only")).count() >= 16, labs.out());
        Cli show = Cli.run("show", "zombie", "--no-color");
        assertEquals(0, show.exit());
        assertTrue(show.out().contains("What state is the child in after it exits, before its parent waits?"));
        assertTrue(show.out().contains("fork:    {proc: main, child: kid}"));
        Cli v = Cli.run("--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("proclab "));
        Cli help = Cli.run("--help");
        assertEquals(0, help.exit());
        for (String sub : List.of("run", "labs", "show", "doctor", "bench")) assertTrue(help.out().contains(sub), sub);
    }

    /** `bench fork-cost` refuses bad values before it measures anything (the benchmark itself: bench.ForkCostBenchTest). */
    @Test
    void benchForkCostRefusesBadOptions() {
        for (String[] bad : List.of(new String[] {"--max-mib", "0"}, new String[] {"--max-mib", "65537"}, new String[] {"--points", "1"},
                new String[] {"--reps", "0"}, new String[] {"--rounds", "0"}, new String[] {"--max-mib", "x"},
                new String[] {"--max-mib", "2", "--points", "9"}, new String[] {"--html", "/no/such/dir/fork-cost.html"})) {
            List<String> args = new java.util.ArrayList<>(List.of("bench", "fork-cost"));
            args.addAll(List.of(bad));
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
            assertTrue(r.err().contains(bad[0]), r.err());
            assertTrue(!r.err().contains("Exception"), r.err());
        }
        assertTrue(Cli.run("bench", "fork-cost", "--max-mib", "0").err().contains("--max-mib must be 1 to 65536 (got 0)"));
    }

    /** The wiring of `bench soak`, not the soak (that is a benchmark: docs/reliability.md). */
    @Test
    void benchSoakTakesItsOptionsAndPrintsItsFigures() {
        assertEquals(2, Cli.run("bench", "soak", "--runs", "0").exit());
        assumeTrue(Posix.isLinux(), "the soak needs the real kernel");
        Cli bad = Cli.run("bench", "soak", "--runs", "1", "--labs", "no-such-lab");
        assertEquals(2, bad.exit(), bad.err());
        Cli one = Cli.run("bench", "soak", "--runs", "2", "--labs", "zombie");
        for (String figure : List.of("runs 2", "descendants_first 0", "descendants_last 0", "agents_last 0", "stale_cgroups_last 0", "failed_runs 0")) {
            assertTrue(one.out().lines().anyMatch(figure::equals), figure + " in\n" + one.out() + one.err());
        }
        assertTrue(one.out().lines().anyMatch(l -> l.startsWith("fds_last ") || l.startsWith("heap_last_mib ")), one.out());
    }

    @Test
    void aFailedStepThatNoObserveLooksAtIsAWarning(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("unlooked.yaml");
        Files.writeString(f, """
                id: unlooked
                title: a wait that fails and nobody looks
                source: test
                questions: [q]
                steps:
                  - wait: {proc: main, for: any}
                  - fork: {proc: main, child: kid}
                  - observe: {proc: kid, fields: [ppid], expect: {ppid: main}}
                """);
        Cli r = Cli.run("run", "--file", f.toString(), "--model-only", "--no-color");
        assertEquals(0, r.exit(), r.out() + r.err());
        // the table fits 80 columns: a long warning wraps, its next lines indented
        assertTrue(r.out().replaceAll("\n +", " ").contains("warning: step 1 (wait in main) failed with ECHILD on the model kernel, and no later observe looks at main's errno"), r.out());
        assertFalse(r.out().contains("\u001b["), "no colour when the output is not a terminal");
    }

    @Test
    void theRepeatCeilingIsConfigurable(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("loop.yaml");
        Files.writeString(f, """
                id: loop
                title: a loop of 500
                source: test
                questions: [q]
                steps:
                  - repeat:
                      times: 500
                      steps:
                        - fork: {proc: main, child: "w{i}"}
                        - exit: {proc: "w{i}", code: 0}
                        - wait: {proc: main, for: "w{i}"}
                  - observe: {proc: main, fields: [children], expect: {children: []}}
                """);
        String old = System.getProperty("proclab.repeat.ceiling");
        try {
            Cli low = Cli.run("run", "--file", f.toString(), "--model-only", "--repeat-ceiling", "100");
            assertEquals(2, low.exit(), low.out());
            assertTrue(low.err().contains(":7:14: this repeat runs 500 times, more than the ceiling of 100"), low.err());
            assertEquals(0, Cli.run("run", "--file", f.toString(), "--model-only", "--repeat-ceiling", "1000").exit());
        } finally {
            if (old == null) System.clearProperty("proclab.repeat.ceiling");
            else System.setProperty("proclab.repeat.ceiling", old);
        }
    }
}
