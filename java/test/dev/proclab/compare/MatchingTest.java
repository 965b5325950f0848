package dev.proclab.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Tolerance;
import dev.proclab.kernel.WaitStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchingTest {
    @Test
    void anExpectedObjectChecksOnlyTheKeysItNames() {
        Map<String, Object> wait = WaitStatus.decode("kid", 256);
        assertTrue(Matching.meets(Map.of("pid", "kid", "status", 256L), wait, null));
        assertFalse(Matching.meets(Map.of("status", 9L), wait, null));
        assertFalse(Matching.meets(Map.of("nosuchkey", 1L), wait, null));
    }

    @Test
    void toleranceIsAbsoluteOrPercent() {
        assertTrue(Matching.same(200L, 209L, new Tolerance(10, true)));
        assertFalse(Matching.same(200L, 221L, new Tolerance(10, true)));
        assertTrue(Matching.same(200L, 203L, new Tolerance(3, false)));
        assertFalse(Matching.same(200L, 204L, new Tolerance(3, false)));
        assertFalse(Matching.same(200L, 201L, null));
    }

    @Test
    void listsAndMapsCompareWhole() {
        assertTrue(Matching.same(List.of("a", 2L), List.of("a", 2L), null));
        assertFalse(Matching.same(List.of("a"), List.of("a", "b"), null));
        assertFalse(Matching.same(Map.of("a", 1L), Map.of("a", 1L, "b", 2L), null));
        assertFalse(Matching.same("main", 1L, null));
    }

    @Test
    void waitStatusDecodesLikeSysWaitH() {
        assertTrue(Matching.meets(Map.of("exited", true, "code", 7L, "status", 1792L), WaitStatus.decode(2L, 1792), null));
        assertTrue(Matching.meets(Map.of("signaled", true, "signal", "SIGKILL", "status", 9L), WaitStatus.decode(2L, 9), null));
        assertTrue(Matching.meets(Map.of("stopped", true, "signal", "SIGSTOP"), WaitStatus.decode(2L, 0x137f), null));
        assertTrue(Matching.meets(Map.of("continued", true), WaitStatus.decode(2L, 0xffff), null));
        assertTrue(Matching.meets(Map.of("pid", 0L, "exited", false), WaitStatus.decode(0L, 0), null));
    }
}
