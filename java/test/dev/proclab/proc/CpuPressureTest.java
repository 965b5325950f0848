package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CpuPressureTest {
    @Test
    void theSomeLineAndTheLoadAverage() {
        CpuPressure before = CpuPressure.parse("some avg10=5.23 avg60=40.43 avg300=66.37 total=1635938828\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "3.66 6.10 5.78 3/190 12345\n");
        assertEquals(1635938828L, before.someTotalMicros());
        assertEquals(3.66, before.loadavg1(), 1e-9);
        CpuPressure after = new CpuPressure(1635938828L + 250_000, 1.0);
        assertEquals(25.0, after.percentSince(before, 1_000_000), 1e-9, "250 ms of waiting in a second");
    }

    @Test
    void withoutASomeLineThereIsNoPressure() {
        assertThrows(IllegalArgumentException.class, () -> CpuPressure.parse("full avg10=0.00 total=0\n", "0.1 0.1 0.1 1/1 1\n"));
    }
}
