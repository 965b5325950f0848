package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.compare.DryRun;
import dev.proclab.compare.LabResult;
import dev.proclab.compare.LabRunner;
import dev.proclab.compare.Row;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import dev.proclab.posix.Posix;
import dev.proclab.real.Machine;
import dev.proclab.real.RealKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Labs the fuzzer found where the model and this kernel parted (java/test-resources/regressions):
 * each was fixed in the model or the agent, and runs here as `proclab run --file` would, on both
 * kernels. Every row agrees and nothing breaks; a lab that depends on a choice the kernel makes
 * (which waiter runs first) agrees through the model's other histories, never by a looser rule.
 */
class RegressionLabsTest {
    private static final Path DIR = Path.of(System.getProperty("proclab.home", "."), "java", "test-resources", "regressions");
    private static Machine machine;

    @BeforeAll
    static void probe() throws Exception {
        machine = Posix.isLinux() ? Machine.probe(Path.of(System.getProperty("proclab.agent"))) : Machine.notLinux();
        Models.learn(machine);
    }

    static Stream<Path> labs() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("labs")
    void agreesOnBothKernels(Path file) throws Exception {
        Lab lab = LabParser.parseFile(file);
        assertEquals(List.of(), DryRun.blockedSteps(lab.file(), lab.steps(), lab.sandbox(), Models.kernel(lab)));
        String whyNot = RealSide.whyNot(lab, machine);
        RealKernel real = whyNot == null ? new RealKernel(Path.of(System.getProperty("proclab.agent"))) : null;
        LabResult r = new LabRunner(lab.id(), lab.steps(), lab.sandbox()).run(Models.kernel(lab), real, whyNot);
        assertNull(r.failure(), r.failure());
        for (Row row : r.rows()) assertTrue(!row.verdict().fails(), lab.id() + ": " + row);
        for (String w : r.warnings()) assertTrue(!w.contains("could not take it"), lab.id() + ": " + w);
    }
}
