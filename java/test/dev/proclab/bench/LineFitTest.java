package dev.proclab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The least-squares line and its R², against values worked out by hand. */
class LineFitTest {
    @Test
    void pointsOnALineGiveThatLineAndR2One() {
        LineFit f = LineFit.of(new double[] {0, 128, 256, 512}, new double[] {600, 600 + 128 * 16.5, 600 + 256 * 16.5, 600 + 512 * 16.5});
        assertEquals(16.5, f.slope(), 1e-9);
        assertEquals(600, f.intercept(), 1e-9);
        assertEquals(1.0, f.r2(), 1e-12);
        assertEquals(600 + 100 * 16.5, f.at(100), 1e-9);
    }

    @Test
    void noisyPointsAsWorkedOutByHand() {
        // x̄ = 2, ȳ = 4; Sxx = 4+1+0+1+4 = 10, Sxy = (-2)(-3)+(-1)(-3)+0+1·2+2·4 = 19: slope 1.9, intercept 4 - 1.9·2 = 0.2
        double[] x = {0, 1, 2, 3, 4}, y = {1, 1, 4, 6, 8};
        LineFit f = LineFit.of(x, y);
        assertEquals(1.9, f.slope(), 1e-12);
        assertEquals(0.2, f.intercept(), 1e-12);
        // SSres: residuals 0.8, -1.1, 0, 0.1, 0.2 → 0.64 + 1.21 + 0 + 0.01 + 0.04 = 1.9; SStot = 9+9+0+4+16 = 38
        assertEquals(1 - 1.9 / 38, f.r2(), 1e-12);
    }

    @Test
    void aFlatSeriesHasSlopeZeroAndNothingLeftToExplain() {
        LineFit f = LineFit.of(new double[] {0, 64, 128}, new double[] {17, 17, 17});
        assertEquals(0, f.slope(), 1e-12);
        assertEquals(17, f.intercept(), 1e-12);
        assertEquals(1.0, f.r2(), 1e-12);
    }

    @Test
    void pointsWithNoTrendExplainNothing() {
        LineFit f = LineFit.of(new double[] {0, 1, 2, 3}, new double[] {1, 3, 3, 1});
        assertEquals(0, f.slope(), 1e-12);
        assertEquals(0, f.r2(), 1e-12);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LineFit.of(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> LineFit.of(new double[] {1, 2}, new double[] {1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LineFit.of(new double[] {3, 3}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("every x is 3.0"));
    }
}
