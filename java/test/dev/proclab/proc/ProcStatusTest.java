package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatusTest {
    private static final String TEXT = "Name:\tproclab-agent\nState:\tS (sleeping)\nTgid:\t4244\nNgid:\t0\nPid:\t4245\n"
            + "PPid:\t4243\nNSpid:\t4245\t2\nNSpgid:\t4243\t1\nThreads:\t2\nRssAnon:\t     512 kB\nKthread:\t0\n";

    @Test
    void readsTheKeysProclabUses() {
        ProcStatus s = ProcStatus.parse(TEXT);
        assertEquals(4244, s.tgid());
        assertEquals(2, s.threads());
        assertEquals(512, s.rssAnonKb());
        assertEquals(false, s.kthread());
        assertEquals(List.of(4245L, 2L), s.nsPids());
        assertEquals(2, s.innermostPid());
        assertEquals(1, s.innermost("NSpgid"));
        assertEquals("proclab-agent", s.get("Name"));
    }

    @Test
    void absentKeysAreAbsent() {
        ProcStatus s = ProcStatus.parse("Name:\tx\nPid:\t7\n");
        assertNull(s.kthread());
        assertEquals(-1, s.threads());
        assertEquals(7, s.innermostPid());
    }
}
