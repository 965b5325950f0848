package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.posix.Posix;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --answers FILE grades a student's predictions; --predict asks for them; a class is graded in one command. */
class PredictTest {
    private static final String ALICE = """
            3.kid.state: Z
            3.kid.ppid: agent          # wrong: the parent is main
            5.main.wait.status: 256    # one key of the wait object alone
            """;
    private static final String BOB = """
            3.kid.state: Z
            3.kid.ppid: main
            5.main.wait: {pid: kid, status: 256, exited: true, code: 1}
            6.kid.exists: false
            """;

    private static List<String> lines(String s) {
        return s.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void anAnswerFileIsGradedAndTheLastLineIsTheScore(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        Path f = dir.resolve("alice.yaml");
        Files.writeString(f, ALICE);
        Cli r = Cli.run("run", "zombie", "--answers", f.toString(), "--no-color");
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> out = lines(r.out());
        assertEquals("score 2/4", out.get(out.size() - 1), r.out());
        String all = r.out().replaceAll("\n +", " ");
        assertTrue(all.contains("wrong: 3.kid.ppid: you said agent; the lab expects main; model: main, real kernel: main"), all);
        assertTrue(all.contains("not answered: 6.kid.exists; the lab expects false; model: false, real kernel: false"), all);
        assertFalse(all.contains("5.main.wait"), "the one key answered was right: " + all);
    }

    @Test
    void aClassIsGradedInOneCommandAndJsonHasThePredictions(@TempDir Path dir) throws Exception {
        Path answers = Files.createDirectory(dir.resolve("class"));
        Files.writeString(answers.resolve("alice.yaml"), ALICE);
        Files.writeString(answers.resolve("bob.yaml"), BOB);
        Files.writeString(answers.resolve("carol.yaml"), "3.kid.stat: Z\n"); // a typo: not graded, and said so
        Cli r = Cli.run("run", "zombie", "--model-only", "--answers", answers.toString(), "--no-color");
        assertEquals(0, r.exit(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("score 2/4  " + answers.resolve("alice.yaml")), out);
        assertTrue(out.contains("score 4/4  " + answers.resolve("bob.yaml")), out);
        assertTrue(out.contains("score 0/4  " + answers.resolve("carol.yaml")), out);
        assertTrue(out.replaceAll("\n +", " ").contains(answers.resolve("carol.yaml") + ":1:1: 3.kid.stat is not an expected row of this lab, so it is not graded; did you mean 3.kid.state?"), out);
        assertTrue(out.contains("  3.kid.state  2/3"), out);
        List<String> l = lines(out);
        assertEquals("class: 3 answer files, mean score 2.0/4", l.get(l.size() - 1), out);

        Cli j = Cli.run("run", "zombie", "--model-only", "--answers", answers.resolve("bob.yaml").toString(), "--json");
        assertEquals(0, j.exit(), j.err());
        JsonNode doc = new ObjectMapper().readTree(j.out());
        CliTest.checkDocument(doc);
        JsonNode p = doc.get("predictions").get(0);
        assertEquals(4, p.get("right").asInt());
        assertEquals(4, p.get("total").asInt());
        assertEquals("5.main.wait", p.get("rows").get(2).get("key").asText());
        assertEquals(256, p.get("rows").get(2).get("answer").get("status").asInt());
    }

    /** The answer file of docs/lab-format.md is all right for the zombie lab. */
    @Test
    void theContractsAnswerExampleScoresFull(@TempDir Path dir) throws Exception {
        String doc = Files.readString(Path.of(System.getProperty("proclab.home", "."), "docs", "lab-format.md"));
        int at = doc.indexOf("## Answer files");
        String yaml = doc.substring(doc.indexOf("```yaml\n", at) + 8, doc.indexOf("```", doc.indexOf("```yaml\n", at) + 8));
        Path f = dir.resolve("example.yaml");
        Files.writeString(f, yaml);
        Cli r = Cli.run("run", "zombie", "--model-only", "--answers", f.toString(), "--no-color");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().strip().endsWith("score 4/4"), r.out());
    }

    @Test
    void aBrokenAnswerFileIsExitCode2WithItsPlace(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, "3.kid.state: Z\n3.kid.state: S\n");
        Cli r = Cli.run("run", "zombie", "--model-only", "--answers", f.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(f + ":2:1: duplicate key 3.kid.state"), r.err());
        Cli two = Cli.run("run", "zombie", "fork-memory", "--model-only", "--answers", f.toString());
        assertEquals(2, two.exit());
        assertTrue(two.err().contains("one lab at a time"), two.err());
    }

    @Test
    void predictAsksBeforeEachObserveAndGradesAtTheEnd() {
        // state, ppid; the wait object whole; exists left unanswered (an empty line)
        String typed = "Z\nmain\n{pid: kid, status: 0}\n\n";
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)));
        Cli r;
        try {
            r = Cli.run("run", "zombie", "--model-only", "--predict", "--no-color");
        } finally {
            System.setIn(old);
        }
        assertEquals(0, r.exit(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("? What state is the child in after it exits, before its parent waits?"), out);
        assertTrue(out.contains("  3.kid.state = "), out);
        assertTrue(out.contains("Before step 5 (observe: {proc: main, fields: [wait]"), out);
        assertTrue(out.replaceAll("\n +", " ").contains("wrong: 5.main.wait: you said {pid: kid, status: 0}; the lab expects {pid: kid, status: 256, exited: true, code: 1}"), out);
        List<String> l = lines(out);
        assertEquals("score 2/4", l.get(l.size() - 1), out);
    }
}
