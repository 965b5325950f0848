package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** exec (comm, flags, what the program does), and the model's clock (hold, spin, pause). */
class ExecTimeTest {
    @Test
    void execClearsForknoexecAndSetsComm() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertNull(l.exec("kid", "/usr/bin/sleep", "30"));
        assertEquals("sleep", l.get("kid", "comm"));
        assertEquals(false, l.get("kid", "flags.PF_FORKNOEXEC"));
        assertEquals(true, l.get("kid", "flags.PF_RANDOMIZE"));
        assertEquals("S", l.state("kid"));
    }

    @Test
    void commIsCutTo15Bytes() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exec("kid", "/opt/a-very-long-program-name", "x");
        assertEquals("a-very-long-pro", l.get("kid", "comm"));
    }

    @Test
    void aProgramRunsToItsEndAtOnce() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exec("kid", "ls", "-al");
        assertEquals("Z", l.state("kid"));
        assertEquals("ls", l.get("kid", "comm"));
        l.waitFor("main", "kid");
        assertEquals(0L, l.status("main"));
        l.fork("main", "f");
        l.exec("f", "/bin/false");
        l.waitFor("main", "f");
        assertEquals(256L, l.status("main"));
        l.fork("main", "s");
        l.exec("s", "/bin/sh", "-c", "exit 42");
        l.waitFor("main", "s");
        assertEquals(42L << 8, l.status("main"));
    }

    @Test
    void sleepExitsWhenTheClockPasses() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exec("kid", "sleep", "1");
        l.pause(500);
        assertEquals("S", l.state("kid"));
        l.pause(600);
        assertEquals("Z", l.state("kid"));
        assertEquals(1_100_000L, l.k.clockMicros());
    }

    @Test
    void execdProcessTakesNoStepsButCanBeSignalledAndWaited() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exec("kid", "sleep", "100");
        assertEquals("blocked", l.run(new Step.Fork("kid", "x", Lab.P)).events().get(0).kind(), "a program takes no lab step");
        l.signal(null, "kid", "SIGTERM");
        l.waitFor("main", "kid");
        assertEquals(15L, l.status("main"));
    }

    @Test
    void execUnsharesASharedSighandAndKeepsIgnored() {
        Lab l = Lab.plain();
        l.ignore("main", "SIGTERM");
        l.clone("main", "c", List.of("CLONE_VM", "CLONE_SIGHAND"), null);
        l.slab(List.of("sighand_cache"), "b", null);
        l.exec("c", "sleep", "100");
        assertEquals(1, l.slabValue("sighand_cache", "active_objs", "b"));
        l.signal(null, "c", "SIGTERM");
        assertEquals("S", l.state("c"), "SIG_IGN survives exec");
    }

    @Test
    void execInAThreadKillsTheOthersAndTakesTheLeadersPid() {
        Lab l = Lab.ns();
        l.fork("main", "p");
        l.clone("p", "t", CloneTest.THREAD, null);
        l.exec("t", "sleep", "10");
        // the exec'ing thread takes the leader's pid (exchange_tids): the process keeps the name its
        // parent knows, p; the thread's own tid went with the old leader
        assertEquals(2L, l.get("p", "pid"));
        assertEquals(1L, l.get("p", "threads"));
        assertEquals("sleep", l.get("p", "comm"));
        assertEquals("main", l.get("p", "ppid"));
        assertEquals(false, l.get("t", "exists"));
        assertEquals(List.of("p"), l.get("main", "children"));
        l.signal(null, "p", "SIGKILL");
        l.waitFor("main", "p");
        assertEquals(9L, l.status("main"));
    }

    @Test
    void holdShowsSAndSpinShowsR() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.hold("kid", 200);
        assertEquals("S", l.state("kid"));
        l.spin("main", 100);
        assertEquals("R or S", l.state("main"), "spinning, as far as the lab's clock knows; the real clock may be past its end");
        l.pause(150);
        assertEquals("S", l.state("main"), "the spin is over");
    }

    @Test
    void aStepForABusyProcessWaitsForIt() {
        Lab l = Lab.plain();
        l.spin("main", 300);
        l.fork("main", "kid");
        assertEquals(300_000L, l.k.clockMicros());
        assertEquals("S", l.state("main"));
    }

    @Test
    void blockedProcessTakesNoStep() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.block("kid");
        assertEquals("S", l.state("kid"));
        var r = l.run(new Step.Exit("kid", 0, Lab.P));
        assertEquals("blocked", r.events().get(0).kind());
        l.signal(null, "kid", "SIGUSR1");
        assertEquals("Z", l.state("kid"));
    }
}
