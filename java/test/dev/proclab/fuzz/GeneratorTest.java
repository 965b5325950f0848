package dev.proclab.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.compare.DryRun;
import dev.proclab.kernel.Step;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import dev.proclab.model.ModelConfig;
import dev.proclab.model.ModelKernel;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The generator's labs are labs: each parses, passes the dry run that `proclab run` makes before a
 * real kernel is touched, renders back to its own text, and the same seed always gives the same
 * lab. Over many seeds the whole grammar comes up, and the interleavings the fuzzer is for.
 */
class GeneratorTest {
    static final int SEEDS = 400;

    /** A guide told that the generator's programs exist (as the command line tells it from the machine). */
    static ModelKernel guide() {
        Map<String, String> exec = new TreeMap<>();
        for (String p : Generator.PROGRAMS) exec.put(p, p.startsWith("/nonexistent") ? "ENOENT" : p.equals("/tmp") ? "EACCES" : null);
        return new ModelKernel(ModelConfig.DEFAULT.withExec(exec));
    }

    @Test
    void everyGeneratedLabParsesPassesTheDryRunAndRendersBackToItsText() throws Exception {
        Generator g = new Generator(GeneratorTest::guide);
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario sc = g.generate(seed);
            Lab lab = LabParser.parse(sc.text(), sc.id() + ".yaml", sc.id());
            assertEquals(List.of(), DryRun.blockedSteps(lab.file(), lab.steps(), lab.sandbox(), guide()), sc.text());
            String again = LabText.render(sc.id(), lab.title(), lab.sandbox(), lab.steps(), comments(sc.text()));
            assertEquals(sc.text(), again, "seed " + seed + ": the text of the parsed lab");
            assertEquals(sc.steps().size(), lab.steps().size(), "seed " + seed);
        }
    }

    @Test
    void aSeedAlwaysGivesTheSameLab() {
        Generator a = new Generator(GeneratorTest::guide), b = new Generator(GeneratorTest::guide);
        for (long seed = 1000; seed < 1050; seed++) assertEquals(a.generate(seed).text(), b.generate(seed).text());
        assertTrue(!a.generate(1).text().equals(a.generate(2).text()), "two seeds, two labs");
    }

    @Test
    void theWholeGrammarAndTheInterestingInterleavingsComeUp() {
        Generator g = new Generator(GeneratorTest::guide);
        Set<String> actions = new HashSet<>(), seen = new HashSet<>();
        int sandboxed = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario sc = g.generate(seed);
            if (sc.sandbox().pidNamespace() || sc.sandbox().pidsMax() != null) sandboxed++;
            for (Step s : sc.steps()) {
                actions.add(s.action());
                if (s instanceof Step.Repeat r) r.steps().forEach(x -> actions.add(x.action()));
            }
            String t = sc.text();
            if (t.contains("CLONE_THREAD")) seen.add("threads");
            if (t.contains("CLONE_NEWPID")) seen.add("nested pid namespace");
            if (t.contains("- ptrace:")) seen.add("ptrace");
            if (t.contains("- vfork:")) seen.add("vfork");
            if (t.contains("- setuid:")) seen.add("setuid");
            if (t.contains("- rlimit:")) seen.add("rlimit");
        }
        for (String a : List.of("fork", "vfork", "clone", "exec", "exit", "signal", "wait", "hold", "block", "spin", "set", "add",
                "map", "touch", "subreaper", "ignore", "setuid", "rlimit", "ptrace", "observe")) {
            assertTrue(actions.contains(a), "the generator makes " + a + " steps: " + actions);
        }
        assertEquals(Set.of("threads", "nested pid namespace", "ptrace", "vfork", "setuid", "rlimit"), seen);
        assertTrue(sandboxed > SEEDS / 5 && sandboxed < SEEDS * 4 / 5, "some labs in sandboxes, some not: " + sandboxed);
    }

    private static List<String> comments(String text) {
        return text.lines().takeWhile(l -> l.startsWith("# ")).map(l -> l.substring(2)).toList();
    }

    /** Issue 10's steps and fields come up too (Generator.formatStep). */
    @Test
    void issue10sStepsAndFieldsComeUp() {
        Generator g = new Generator(GeneratorTest::guide);
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            String t = g.generate(seed).text();
            for (String k : List.of("- setpgid:", "- setsid:", "- handle:", "- mask:", "sig: 0", "signal: none", "__WALL", "__WCLONE",
                    "__WNOTHREAD", "pending", "blocked", "proc: [agent]", "var.caught_")) {
                if (t.contains(k)) seen.add(k);
            }
        }
        assertEquals(Set.of("- setpgid:", "- setsid:", "- handle:", "- mask:", "sig: 0", "signal: none", "__WALL", "__WCLONE",
                "__WNOTHREAD", "pending", "blocked", "proc: [agent]", "var.caught_"), seen);
    }
}
