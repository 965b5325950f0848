package dev.proclab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model's column (what each call copies of the page tables) and the verdicts drawn from measured medians. */
class ForkCostModelTest {
    @Test
    void forkCopiesThePageTablesOfWhatTheParentWrote() throws Exception {
        long base = ForkCostModel.copiedPteKb("fork", 0);
        // 64 MiB: 32 PTE pages, a PMD page, a PUD page
        assertEquals(136, ForkCostModel.copiedPteKb("fork", 64) - base);
        // 1 GiB: 512 PTE pages, one PMD page, one PUD page
        assertEquals(4 * (512 + 1 + 1), ForkCostModel.copiedPteKb("fork", 1024) - base);
        assertEquals("linear", ForkCostModel.shape("fork", 256));
    }

    @Test
    void callsThatShareTheMmCopyNothing() throws Exception {
        for (String call : List.of("vfork", "clone_vm", "posix_spawn")) {
            assertEquals(0, ForkCostModel.copiedPteKb(call, 0), call);
            assertEquals(0, ForkCostModel.copiedPteKb(call, 256), call);
            assertEquals("flat", ForkCostModel.shape(call, 256), call);
        }
    }

    private static Map<String, double[]> medians(double[] fork, double[] vfork, double[] plain) {
        Map<String, double[]> us = new LinkedHashMap<>();
        us.put("fork", fork);
        us.put("vfork", vfork);
        us.put("clone_vm", new double[] {8, 9, 7});
        us.put("posix_spawn", new double[] {600, 640, 610});
        us.put("plain_c_fork", plain);
        return us;
    }

    private static final ForkCostBench.Settings S = new ForkCostBench.Settings(64, 3, 15, 3);

    @Test
    void theVerdictChecksTheShapeAndTheSlopeAgainstThePlainLoop() throws Exception {
        ForkCostBench.Result r = ForkCostBench.judge(S, "always [madvise] never", "/bin/true", List.of(0L, 32L, 64L),
                medians(new double[] {500, 820, 1140}, new double[] {17, 18, 17}, new double[] {450, 760, 1090}));
        assertTrue(r.holds(), r.verdictLines().toString());
        assertEquals(10.0, r.fits().get("fork").usPerMib(), 1e-9);
        assertEquals(10.0 / 10.0, r.slopeRatio(), 1e-2);
        assertEquals(List.of("fork_us_per_mib", "fork_r2", "vfork_us_per_mib", "clone_vm_us_per_mib", "posix_spawn_us_per_mib",
                "plain_c_fork_us_per_mib", "slope_ratio"), List.copyOf(r.figures().keySet()));
        assertEquals("slope_ratio 1.000", r.figureLines().get(r.figureLines().size() - 1));
        assertEquals("linear", r.modelShape().get("fork"));
        assertEquals("flat", r.modelShape().get("posix_spawn"));
    }

    @Test
    void aFlatCallThatGrowsFailsAndSoDoesACurvedFork() throws Exception {
        ForkCostBench.Result r = ForkCostBench.judge(S, "", "/bin/true", List.of(0L, 32L, 64L),
                medians(new double[] {500, 520, 1400}, new double[] {17, 300, 600}, new double[] {450, 760, 1090}));
        Map<String, Boolean> holds = new LinkedHashMap<>();
        for (ForkCostBench.Verdict v : r.verdicts()) holds.put(v.call(), v.holds());
        assertFalse(holds.get("fork"), "R² of 500, 520, 1400 is below 0.95");
        assertFalse(holds.get("vfork"), "17 to 600 µs rises 9 µs/MiB, far more than 10% of fork's 14");
        assertTrue(holds.get("clone_vm"));
        assertFalse(r.holds());
    }

    @Test
    void aFlatCallsJitterIsNoSlope() throws Exception {
        // a 20 µs call that doubles once (the VM woke a CPU for the child) still does not grow with memory
        ForkCostBench.Result r = ForkCostBench.judge(S, "", "/bin/true", List.of(0L, 32L, 64L),
                medians(new double[] {500, 1460, 2420}, new double[] {25, 61, 30}, new double[] {450, 1410, 2370}));
        for (ForkCostBench.Verdict v : r.verdicts()) if (v.call().equals("vfork")) assertTrue(v.holds(), v.toString());
    }

    @Test
    void aForkSlopeFarFromThePlainLoopsFails() throws Exception {
        ForkCostBench.Result r = ForkCostBench.judge(S, "", "/bin/true", List.of(0L, 32L, 64L),
                medians(new double[] {500, 820, 1140}, new double[] {17, 18, 17}, new double[] {450, 1090, 1730}));
        assertEquals(0.5, r.slopeRatio(), 1e-9);
        ForkCostBench.Verdict last = r.verdicts().get(r.verdicts().size() - 1);
        assertFalse(last.holds(), last.toString());
    }
}
