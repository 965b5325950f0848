package dev.proclab.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.cli.Cli;
import dev.proclab.posix.Posix;
import dev.proclab.real.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * The corpus of issue 9 (java/test-resources/corpus): labs nobody shipped, tricky but valid, each
 * run through the real command line (`proclab run --file LAB`) in this JVM. As root each one
 * finishes with real values and every row agrees or is explained; then the whole corpus runs as two
 * concurrent `proclab run` processes, and each gives every lab the verdicts it got alone.
 * Labs that show a bug of the model or the agent wait in corpus-pending/ (not run here).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorpusTest {
    /** Each lab's summary line when it ran alone, filled by {@link #runsAloneWithRealValues}. */
    private static final Map<String, String> ALONE = new ConcurrentHashMap<>();
    private static Machine machine;

    @BeforeAll
    static void probe() throws Exception {
        machine = Posix.isLinux() ? Machine.probe(Path.of(System.getProperty("proclab.agent"))) : Machine.notLinux();
    }

    static Stream<Path> labs() {
        return Corpus.labs().stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("labs")
    void runsAloneWithRealValues(Path lab) {
        Cli r = Cli.run("run", "--no-color", "--file", lab.toString());
        String id = Corpus.id(lab);
        String all = r.out() + r.err();
        assertTrue(r.exit() != 3 && r.exit() != 2, id + " exit " + r.exit() + "\n" + all);
        assertFalse(all.contains("Exception"), all);
        assertFalse(all.contains("real side stopped"), "the real side never stops on a valid lab\n" + all);
        assertFalse(all.contains("warning: "), "both kernels take the same steps\n" + all);
        Corpus.assertEscaped(id, r.out());
        Map<String, String> summaries = Corpus.summaries(r.out());
        String line = summaries.get(id);
        assertNotNull(line, "a summary line for " + id + "\n" + all);
        ALONE.put(id, line);
        List<String> skipped = Corpus.realSkipped(r.out());
        for (String why : skipped) Corpus.assertNamesAMissingCapability(why, machine);
        if (Posix.euid() == 0 && machine.has(dev.proclab.kernel.Capability.LINUX)) {
            // root: a real side is skipped only for a capability this machine lacks (checked above)
            assertEquals(0, r.exit(), id + ": every row agrees or is explained\n" + all);
            if (skipped.isEmpty()) assertTrue(line.contains(" 0 skipped"), id + ": no row without its real value\n" + all);
        }
    }

    /**
     * Two `proclab run` processes, each with the whole corpus, at the same time: a classroom server
     * runs many. Each lab gets the summary line it got alone.
     */
    @Order(2)
    @Test
    void twoConcurrentRunsGiveTheVerdictsOfRunsAlone() throws Exception {
        assumeTrue(Posix.isLinux(), "the real side runs on Linux");
        List<Path> labs = Corpus.labs();
        for (Path lab : labs) {
            // this test selected alone (-Dtest=CorpusTest#two...): get the runs alone first
            if (!ALONE.containsKey(Corpus.id(lab))) runsAloneWithRealValues(lab);
        }
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
                    if (!ALONE.get(id).equals(got.get(id))) diff.put(id, "alone: " + ALONE.get(id) + " | concurrent: " + got.get(id));
                }
                if (!diff.isEmpty()) fail("run " + n + " of 2 concurrent runs gave other verdicts than runs alone:\n" + String.join("\n", diff.values())
                        + "\n" + run.out());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
