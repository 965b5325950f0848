package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.LabRunner;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import dev.proclab.kernel.Capability;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabInfo;
import dev.proclab.lab.LabLibrary;
import dev.proclab.posix.Posix;
import dev.proclab.real.Machine;
import dev.proclab.real.RealKernel;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped lab on both kernels: no row differs, no expectation fails, nothing breaks. */
class EveryLabTest {
    private static Machine machine;

    @BeforeAll
    static void probe() throws Exception {
        machine = Posix.isLinux() ? Machine.probe(Path.of(System.getProperty("proclab.agent"))) : Machine.notLinux();
    }

    static Stream<String> labs() throws Exception {
        return LabLibrary.standard().list().stream().map(LabInfo::id);
    }

    @ParameterizedTest
    @MethodSource("labs")
    void agreesOnBothKernels(String id) throws Exception {
        Lab lab = LabLibrary.standard().load(id);
        // exactly as `proclab run` does it
        String whyNot = RealSide.whyNot(lab, machine);
        RealKernel real = whyNot == null ? new RealKernel(Path.of(System.getProperty("proclab.agent"))) : null;
        LabResult r = new LabRunner(lab.id(), lab.steps(), lab.sandbox()).run(Models.kernel(lab, machine), real, whyNot);
        assertNull(r.failure(), r.failure());
        for (Row row : r.rows()) assertTrue(!row.verdict().fails(), id + ": " + row);
        if (whyNot == null) {
            long compared = r.rows().stream().filter(row -> row.verdict() != Verdict.SKIPPED).count();
            assertTrue(compared > 0, id + " compared something on the real kernel");
        }
        assertEquals(r.rows().size(), r.summary().values().stream().mapToInt(Integer::intValue).sum());
    }
}
