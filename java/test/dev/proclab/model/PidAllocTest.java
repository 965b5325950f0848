package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** alloc_pid / idr_alloc_cyclic, per pid namespace. */
class PidAllocTest {
    @Test
    void freshNamespaceMainIsOneAndNextForkIsTwo() {
        Lab l = Lab.ns();
        assertEquals(1L, l.get("main", "pid"));
        assertNull(l.fork("main", "kid"));
        assertEquals(2L, l.get("kid", "pid"));
        assertEquals(2L, l.system("ns_last_pid"));
    }

    @Test
    void cyclicNotReusingFreedPidsBeforeWrap() {
        Lab l = Lab.ns();
        l.fork("main", "a");
        l.exit("a", 0);
        l.waitFor("main", "a");
        l.fork("main", "b");
        assertEquals(3L, l.get("b", "pid"), "pid 2 is free again but the cursor has moved on");
    }

    @Test
    void afterPids2To399WithPidMax400TheNextPidIs300() {
        Lab l = new Lab(new Sandbox(true, 400, null));
        assertEquals(400L, l.system("pid_max"));
        // pids 2..399, each reaped at once so that only the cursor remembers them
        l.repeat(398, new Step.Fork("main", "w", Pos.NONE), new Step.Exit("w", 0, Pos.NONE), new Step.Wait("main", "w", List.of(), Pos.NONE));
        assertEquals(399L, l.system("ns_last_pid"));
        l.fork("main", "next");
        assertEquals(300L, l.get("next", "pid"));
    }

    @Test
    void wrapSkipsPidsStillInUse() {
        Lab l = new Lab(new Sandbox(true, 400, null));
        l.fork("main", "keep"); // pid 2 stays
        l.repeat(397, new Step.Fork("main", "w", Pos.NONE), new Step.Exit("w", 0, Pos.NONE), new Step.Wait("main", "w", List.of(), Pos.NONE));
        l.fork("main", "x300");
        l.fork("main", "x301");
        assertEquals(300L, l.get("x300", "pid"));
        assertEquals(301L, l.get("x301", "pid"));
    }

    @Test
    void fullNamespaceFailsWithEagain() {
        Lab l = new Lab(new Sandbox(true, 301, null));
        // pids 1..300 can be used: main holds 1, so 299 more
        assertNull(l.repeat(299, new Step.Fork("main", "w{i}", Pos.NONE)));
        assertEquals("EAGAIN", l.fork("main", "one-too-many"));
        assertEquals("EAGAIN", l.get("main", "errno"));
        assertNull(l.get("one-too-many", "pid"), "a failed fork binds no process");
    }

    @Test
    void allocatorUnitRules() {
        PidNs ns = new PidNs(null, 32768);
        assertEquals(-1, ns.lastPid());
        assertEquals(1, ns.alloc());
        assertEquals(2, ns.alloc());
        ns.free(2);
        assertEquals(3, ns.alloc());
        assertEquals(3, ns.lastPid());
    }

    @Test
    void allocatorBeforeCursorPassedReservedRestartsAtOne() {
        PidNs ns = new PidNs(null, 301);
        for (int i = 1; i <= 300; i++) assertEquals(i, ns.alloc());
        ns.free(5);
        ns.free(299);
        ns.free(300);
        // cursor 301 > 300: pid_min = RESERVED_PIDS, so 5 and 299 are never handed out again, 300 is
        assertEquals(300, ns.alloc());
        assertEquals(-1, ns.alloc());
    }

    @Test
    void fullPidMaxLimitWrapsToReserved() {
        PidNs ns = new PidNs(null, ModelConfig.PID_MAX_LIMIT);
        for (int i = 1; i < ModelConfig.PID_MAX_LIMIT; i++) {
            int p = ns.alloc();
            assertEquals(i, p);
            ns.free(p);
        }
        assertEquals(300, ns.alloc());
    }

    @Test
    void hostNamespaceToo() {
        Lab l = Lab.plain();
        assertEquals(32768L, l.system("pid_max"));
        long mainPid = (Long) l.get("main", "pid");
        l.fork("main", "kid");
        assertEquals(mainPid + 1, l.get("kid", "pid"));
        assertEquals(mainPid + 1, l.system("ns_last_pid"));
    }

    @Test
    void namespaceTasksAlsoHaveHostPids() {
        Lab l = Lab.ns();
        l.fork("main", "kid");
        long hostPid = l.k.processList().stream().filter(s -> s.endsWith("proclab-agent")).count();
        assertTrue(hostPid >= 3, "agent, main and kid are all in the host's task list");
    }
}
