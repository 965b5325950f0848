package dev.proclab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import dev.proclab.model.ModelKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** label and since on proc observes, applied by LabRunner to what a kernel answered (here the model). */
class SinceTest {
    private static List<Row> run(String steps) throws Exception {
        Lab lab = LabParser.parse("id: since\ntitle: t\nsteps:\n" + steps, "since.yaml");
        return new LabRunner(lab.id(), lab.steps(), lab.sandbox()).run(new ModelKernel(), null, "model only").rows();
    }

    private static Object model(List<Row> rows, int step, String proc, String field) {
        for (Row r : rows) if (r.step() == step && r.proc().equals(proc) && r.field().equals(field)) return r.model();
        throw new AssertionError("no row " + step + " " + proc + " " + field + " in " + rows);
    }

    @Test
    void sinceSubtractsTheSameProcesssReading() throws Exception {
        List<Row> rows = run("""
                  - map: {proc: main, region: r, pages: 1024}
                  - observe: {proc: main, fields: [minflt, vm_pte_kb, rss_anon_kb], label: before}
                  - touch: {proc: main, region: r, pages: 16, mode: write}
                  - observe: {proc: main, fields: [minflt, vm_pte_kb, rss_anon_kb], since: before, label: after}
                  - touch: {proc: main, region: r, pages: all, mode: write}
                  - observe: {proc: main, fields: [minflt, vm_pte_kb], since: after}
                """);
        assertEquals(16L, model(rows, 4, "main", "minflt"));
        assertEquals(12L, model(rows, 4, "main", "vm_pte_kb"));
        assertEquals(64L, model(rows, 4, "main", "rss_anon_kb"));
        assertEquals(1024L - 16, model(rows, 6, "main", "minflt"), "from the label's reading, absolute");
        assertEquals(4L, model(rows, 6, "main", "vm_pte_kb"));
    }

    @Test
    void sinceCanNameAnotherProcesssReading() throws Exception {
        List<Row> rows = run("""
                  - map: {proc: main, region: r, pages: 1024}
                  - touch: {proc: main, region: r, pages: all, mode: write}
                  - observe: {proc: main, fields: [vm_pte_kb], label: parent}
                  - fork: {proc: main, child: kid}
                  - observe: {proc: kid, fields: [vm_pte_kb], since: {label: parent, proc: main}, label: born}
                  - exit: {proc: kid, code: 0}
                  - observe: {proc: kid, fields: [vm_pte_kb], since: born}
                """);
        assertEquals(0L, model(rows, 5, "kid", "vm_pte_kb"), "the child's tables are a copy of its parent's");
        assertNull(model(rows, 7, "kid", "vm_pte_kb"), "a zombie has no mm, so no difference either");
    }
}
