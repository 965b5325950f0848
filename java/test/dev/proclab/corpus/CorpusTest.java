package dev.proclab.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.cli.Cli;
import dev.proclab.kernel.Capability;
import dev.proclab.posix.Posix;
import dev.proclab.real.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of issue 9 (java/test-resources/corpus): labs nobody shipped, tricky but valid, run
 * through the real command line in this JVM, `proclab run --file LAB --file LAB ...`, one lab after
 * the other, each with an agent of its own. As root each lab finishes with real values and every
 * row agrees or is explained. Then the whole corpus runs as two concurrent `proclab run`
 * processes, and each gives every lab the verdicts it got alone. Labs that show a bug of the model
 * or the agent wait in corpus-pending/ (not run here).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorpusTest {
    private static Machine machine;
    private static Cli alone;
    /** Each lab's part of the report of the run alone, by id. */
    private static Map<String, String> sections;

    @BeforeAll
    static void probe() throws Exception {
        machine = Posix.isLinux() ? Machine.probe(Path.of(System.getProperty("proclab.agent"))) : Machine.notLinux();
    }

    /** The whole corpus in one `proclab run`, no other run beside it; once for every test of this class. */
    private static synchronized Cli alone() {
        if (alone == null) {
            List<String> args = new ArrayList<>(List.of("run", "--no-color"));
            for (Path lab : Corpus.labs()) {
                args.add("--file");
                args.add(lab.toString());
            }
            alone = Cli.run(args.toArray(String[]::new));
            sections = Corpus.sections(alone.out(), Corpus.labs().stream().map(Corpus::id).toList());
        }
        return alone;
    }

    static Stream<Path> labs() {
        return Corpus.labs().stream();
    }

    @Order(1)
    @Test
    void theRunAloneEndsWell() {
        Cli r = alone();
        String all = r.out() + r.err();
        assertTrue(r.exit() != 3 && r.exit() != 2, "exit " + r.exit() + "\n" + all);
        assertFalse(all.contains("Exception"), all);
        Corpus.assertEscaped("the corpus", r.out());
        if (Posix.euid() == 0 && machine.has(Capability.LINUX)) assertEquals(0, r.exit(), "as root every row agrees or is explained\n" + all);
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("labs")
    void eachLabAloneHasRealValues(Path lab) {
        alone();
        String id = Corpus.id(lab);
        String section = sections.get(id);
        assertNotNull(section, "the report has a part for " + id);
        assertFalse(section.contains("real side stopped"), "the real side never stops on a valid lab\n" + section);
        assertFalse(java.util.regex.Pattern.compile("(?m)^\\s*failed: ").matcher(section).find(), id + " ran to its end\n" + section);
        assertFalse(section.contains("warning: "), "both kernels take the same steps\n" + section);
        String line = Corpus.summaries(section).get(id);
        assertNotNull(line, "a summary line for " + id + "\n" + section);
        List<String> skipped = Corpus.realSkipped(section);
        // a real side is skipped only for a capability this machine lacks, and says which
        for (String why : skipped) Corpus.assertNamesAMissingCapability(why, machine);
        if (Posix.euid() == 0 && machine.has(Capability.LINUX)) {
            assertTrue(line.endsWith(" OK"), id + ": every row agrees or is explained\n" + section);
            if (skipped.isEmpty()) {
                // the only rows without a comparison: a program the model does not model, said as such
                java.util.regex.Matcher n = java.util.regex.Pattern.compile(" (\\d+) skipped").matcher(line);
                assertTrue(n.find(), line);
                int declined = section.split("model: what ", -1).length - 1;
                assertEquals(Integer.parseInt(n.group(1)), declined, id + ": no row without its real value, but those of a program the model"
                        + " says it does not model\n" + section);
            }
        }
    }

    /**
     * Two `proclab run` processes, each with the whole corpus, at the same time: a classroom server
     * runs many. Each lab gets the summary line it got alone.
     */
    @Order(3)
    @Test
    void twoConcurrentRunsGiveTheVerdictsOfTheRunAlone() throws Exception {
        assumeTrue(Posix.isLinux(), "the real side runs on Linux");
        Map<String, String> solo = Corpus.summaries(alone().out());
        List<Path> labs = Corpus.labs();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Corpus.Run>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) runs.add(pool.submit(() -> Corpus.runProcess(labs)));
            int n = 0;
            for (Future<Corpus.Run> f : runs) {
                Corpus.Run run = f.get(10, TimeUnit.MINUTES);
                n++;
                assertTrue(run.exit() != 3 && run.exit() != 2, "run " + n + " exit " + run.exit() + "\n" + run.out());
                assertFalse(run.out().contains("Exception"), run.out());
                Map<String, String> got = Corpus.summaries(run.out());
                Map<String, String> diff = new LinkedHashMap<>();
                for (Path lab : labs) {
                    String id = Corpus.id(lab);
                    if (!String.valueOf(solo.get(id)).equals(got.get(id))) diff.put(id, "alone: " + solo.get(id) + " | concurrent: " + got.get(id));
                }
                if (!diff.isEmpty()) {
                    Map<String, String> parts = Corpus.sections(run.out(), List.copyOf(diff.keySet()));
                    fail("run " + n + " of 2 concurrent runs gave other verdicts than the run alone:\n" + String.join("\n", diff.values())
                            + "\n\n" + String.join("\n", parts.values()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
