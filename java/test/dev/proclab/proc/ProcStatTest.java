package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void cutsAtTheLastParenthesis() {
        String line = "4244 (a) b) (c) Z 4243 4242 4242 0 -1 4194368 93 0 0 0 0 0 0 0 20 0 1 0 12345 0 0 "
                + "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStat s = ProcStat.parse(line);
        assertEquals(4244, s.pid());
        assertEquals("a) b) (c", s.comm());
        assertEquals('Z', s.state());
        assertEquals(4243, s.ppid());
        assertEquals(4242, s.pgrp());
        assertEquals(4242, s.session());
        assertEquals(4194368, s.flags());
        assertEquals(93, s.minflt());
        assertEquals(0, s.majflt());
        assertEquals(1, s.numThreads());
        assertEquals(12345, s.startTime());
    }

    @Test
    void readsThisJvmsOwnStat() throws Exception {
        Path self = Path.of("/proc/self/stat");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(self), "no /proc here");
        ProcStat s = ProcStat.parse(Files.readString(self));
        assertEquals(ProcessHandle.current().pid(), s.pid());
        assertEquals(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L), s.ppid());
        // the JVM has many threads: GC, compiler, finalizer...
        org.junit.jupiter.api.Assertions.assertTrue(s.numThreads() > 1);
    }

    @Test
    void refusesWhatIsNotAStatLine() {
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("hello"));
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("12 (x) S 1"));
    }
}
