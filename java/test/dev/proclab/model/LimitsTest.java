package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import org.junit.jupiter.api.Test;

/** RLIMIT_NPROC, the pids cgroup, threads-max, setuid. */
class LimitsTest {
    @Test
    void nprocCountsTheUidsTasksAtFork() {
        Lab l = Lab.plain();
        l.fork("main", "u");
        assertNull(l.setuid("u", 4242));
        assertNull(l.rlimit("u", "NPROC", 3));
        assertNull(l.fork("u", "a")); // 2 tasks of uid 4242
        assertNull(l.fork("u", "b")); // 3
        assertEquals("EAGAIN", l.fork("u", "c"));
        assertEquals("EAGAIN", l.get("u", "errno"));
        // zombies still count until reaped
        l.exit("a", 0);
        assertEquals("EAGAIN", l.fork("u", "c"));
        l.waitFor("u", "a");
        assertNull(l.fork("u", "c"));
    }

    @Test
    void nprocIsNotEnforcedForRoot() {
        Lab l = Lab.plain();
        assertNull(l.rlimit("main", "NPROC", 1));
        assertNull(l.fork("main", "a"));
        assertNull(l.fork("main", "b"));
    }

    @Test
    void setuidOverTheLimitFlagsAndExecFails() {
        Lab l = Lab.plain();
        l.fork("main", "a");
        l.setuid("a", 5000);
        l.fork("main", "b");
        l.fork("main", "c");
        l.rlimit("b", "NPROC", 1);
        l.rlimit("c", "NPROC", 0);
        assertNull(l.setuid("b", 5000));
        assertEquals(false, l.get("b", "flags.PF_NPROC_EXCEEDED"), "1 task of uid 5000 is not over a limit of 1");
        assertNull(l.setuid("c", 5000));
        assertEquals(true, l.get("c", "flags.PF_NPROC_EXCEEDED"));
        assertEquals("EAGAIN", l.exec("c", "/bin/true"));
        assertNull(l.exec("b", "/bin/true"));
    }

    @Test
    void unprivilegedSetuidIsEperm() {
        Lab l = Lab.plain();
        l.setuid("main", 1000);
        assertEquals("EPERM", l.setuid("main", 0));
        assertNull(l.setuid("main", 1000));
    }

    @Test
    void raisingAHardLimitNeedsRoot() {
        Lab l = Lab.plain();
        l.rlimit("main", "NPROC", 10);
        l.setuid("main", 1000);
        assertNull(l.rlimit("main", "NPROC", 5));
        assertEquals("EPERM", l.rlimit("main", "NPROC", 50));
        assertEquals("EINVAL", l.rlimit("main", "BOGUS", 1));
        assertEquals("EPERM", l.rlimit("main", "NOFILE", 2_000_000));
    }

    @Test
    void pidsCgroupLimitsTheLab() {
        Lab l = new Lab(new Sandbox(true, null, 5));
        assertNull(l.repeat(4, new Step.Fork("main", "w{i}", Pos.NONE))); // main + 4 = 5
        assertEquals("EAGAIN", l.fork("main", "x"));
        l.exit("w0", 0);
        assertEquals("EAGAIN", l.fork("main", "x"), "a zombie still holds its pid in the cgroup");
        l.waitFor("main", "w0");
        assertNull(l.fork("main", "x"));
    }

    @Test
    void pidsCgroupWithoutNamespace() {
        Lab l = new Lab(new Sandbox(false, null, 2));
        assertNull(l.fork("main", "a"));
        assertEquals("EAGAIN", l.fork("main", "b"));
        assertEquals("EAGAIN", l.clone("main", "t", CloneTest.THREAD, null), "threads count too");
    }

    @Test
    void threadsMaxIsGlobal() {
        Lab l = new Lab(ModelConfig.DEFAULT.withThreadsMax(20), Sandbox.NONE);
        int n = 0;
        while (l.fork("main", "w" + n) == null) n++;
        assertEquals(20, l.k.nrThreads());
        assertEquals("EAGAIN", l.get("main", "errno"));
    }

    @Test
    void repeatCountsFailuresAndGoesOn() {
        Lab l = new Lab(new Sandbox(true, null, 3));
        assertEquals("EAGAIN", l.repeat(5, new Step.Fork("main", "w{i}", Pos.NONE)));
        assertEquals(true, l.get("w1", "exists"));
        assertEquals(false, l.get("w2", "exists"));
    }
}
