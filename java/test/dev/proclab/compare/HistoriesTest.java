package dev.proclab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import dev.proclab.model.ModelKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LabRunner's search of the model's other histories, with the model in another history as the other
 * kernel: one that took a step the first history could not take is found, and adopted only when it
 * agrees on every row and on which steps were taken.
 */
class HistoriesTest {
    // main and t2 both wait for any child; p3's exit wakes both and one reaps it: the other stays in
    // do_wait (p5 lives on), so only the one that returned can fork
    private static final String TWO_WAITERS = """
              - clone: {proc: main, child: t2, flags: [CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_THREAD]}
              - fork: {proc: main, child: p3}
              - fork: {proc: main, child: p5}
              - wait: {proc: main, for: any}
              - wait: {proc: t2, for: any}
              - exit: {proc: p3, code: 7}
              - fork: {proc: %s, child: p4}
              - observe: {proc: [p4], fields: [exists]}
            """;

    private static LabResult run(String forker, ModelKernel other) throws Exception {
        Lab lab = LabParser.parse("id: h\ntitle: t\nsteps:\n" + TWO_WAITERS.formatted(forker), "h.yaml");
        return new LabRunner(lab.id(), lab.steps(), lab.sandbox()).run(new ModelKernel(), other, null);
    }

    @Test
    void aStepOnlyAnotherHistoryTakesIsExplainedByThatHistory() throws Exception {
        // the first history wakes t2 first (the last to block); the other kernel lets main return
        LabResult r = run("main", new ModelKernel().replay(List.of(1)));
        assertTrue(r.warnings().stream().noneMatch(w -> w.contains("could not take it")), r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("which of the waiters woken together returns first")), r.warnings().toString());
        assertTrue(r.rows().stream().allMatch(x -> x.verdict() == Verdict.MATCH), r.rows().toString());
    }

    @Test
    void theSameHistoryNeedsNoSearch() throws Exception {
        LabResult r = run("t2", new ModelKernel());
        assertEquals(List.of(), r.warnings());
    }
}
