package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** send_signal_locked / prepare_signal / complete_signal with the lab's default dispositions. */
class SignalTest {
    @Test
    void sigstopStopsAndWuntracedSees0x137f() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGSTOP");
        assertEquals("T", l.state("kid"));
        l.waitFor("main", "kid", "WUNTRACED");
        assertEquals(0x137fL, l.status("main"));
        assertEquals(true, l.waitOf("main").get("stopped"));
        assertEquals("SIGSTOP", l.waitOf("main").get("signal"));
        // reported once
        l.waitFor("main", "kid", "WUNTRACED", "WNOHANG");
        assertEquals(0L, l.waitOf("main").get("pid"));
    }

    @Test
    void sigcontResumesToThePreviousStateAndWcontinuedSees0xffff() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.spin("kid", 10_000);
        assertEquals("R or S", l.state("kid"));
        l.signal(null, "kid", "SIGSTOP");
        assertEquals("T", l.state("kid"));
        l.signal(null, "kid", "SIGCONT");
        assertEquals("R or S", l.state("kid"), "back to its spin");
        l.waitFor("main", "kid", "WCONTINUED");
        assertEquals(0xffffL, l.status("main"));
        assertEquals(true, l.waitOf("main").get("continued"));
    }

    @Test
    void stoppedProcessTakesNoStep() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGSTOP");
        var r = l.run(new Step.Fork("kid", "gk", Lab.P));
        assertEquals("blocked", r.events().get(0).kind());
        assertEquals(false, l.get("gk", "exists"));
    }

    @Test
    void sigkillOnZombieIsANoOp() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exit("kid", 2);
        assertNull(l.signal(null, "kid", "SIGKILL"));
        l.waitFor("main", "kid");
        assertEquals(512L, l.status("main"));
    }

    @Test
    void signalToReapedProcessIsEsrch() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exit("kid", 0);
        l.waitFor("main", "kid");
        assertEquals("ESRCH", l.signal("main", "kid", "SIGTERM"));
        assertEquals("ESRCH", l.get("main", "errno"));
    }

    @Test
    void sigtermWaitsForSigcontWhenStopped() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGSTOP");
        l.signal(null, "kid", "SIGTERM");
        assertEquals("T", l.state("kid"), "only SIGKILL wakes a stopped task");
        l.signal(null, "kid", "SIGCONT");
        assertEquals("Z", l.state("kid"));
        l.waitFor("main", "kid");
        assertEquals(15L, l.status("main"));
    }

    @Test
    void sigkillKillsAStoppedProcess() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGSTOP");
        l.signal(null, "kid", "SIGKILL");
        assertEquals("Z", l.state("kid"));
    }

    @Test
    void fatalSignalKillsAVforkParentInD() {
        Lab l = Lab.plain();
        l.fork("main", "p");
        l.vfork("p", "c");
        assertEquals("D", l.state("p"));
        l.signal(null, "p", "SIGTERM");
        assertEquals("Z", l.state("p"));
        assertEquals("S", l.state("c"));
        assertNull(l.exit("c", 0), "the child goes on");
    }

    @Test
    void coreSignalWaitsForSigcontWhenStopped() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGSTOP");
        l.signal(null, "kid", "SIGQUIT");
        assertEquals("T", l.state("kid"));
        l.signal(null, "kid", "SIGCONT");
        assertEquals("Z", l.state("kid"));
        l.waitFor("main", "kid");
        assertEquals(3L, l.status("main"));
    }

    @Test
    void ignoredSignalDoesNothing() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertNull(l.ignore("kid", "SIGTERM"));
        l.signal(null, "kid", "SIGTERM");
        assertEquals("S", l.state("kid"));
    }

    @Test
    void sigkillAndSigstopCannotBeIgnored() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.ignore("main", "SIGKILL"));
        assertEquals("EINVAL", l.ignore("main", "SIGSTOP"));
    }

    @Test
    void defaultIgnoredSignals() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGCHLD");
        l.signal(null, "kid", "SIGWINCH");
        l.signal(null, "kid", "SIGURG");
        l.signal(null, "kid", "SIGCONT");
        assertEquals("S", l.state("kid"));
    }

    @Test
    void sigtstpIsDiscardedInAnOrphanedProcessGroup() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGTSTP");
        assertEquals("S", l.state("kid"), "the agent's group has no parent in another group of its session");
    }

    @Test
    void namespaceInitIgnoresSignalsFromInside() {
        Lab l = Lab.ns();
        l.fork("main", "kid");
        assertNull(l.signal("kid", "main", "SIGKILL"));
        assertEquals("S", l.state("main"));
        assertNull(l.signal(null, "main", "SIGTERM"));
        assertEquals("S", l.state("main"), "only SIGKILL and SIGSTOP reach it, and only from outside");
        l.signal(null, "main", "SIGSTOP");
        assertEquals("T", l.state("main"));
        l.signal(null, "main", "SIGKILL");
        assertEquals("Z", l.state("main"));
        assertEquals(false, l.get("kid", "exists"));
    }

    @Test
    void namespaceProcessCannotSeeTheAgent() {
        Lab l = Lab.ns();
        assertEquals("ESRCH", l.signal("main", "agent", "SIGTERM"));
    }

    @Test
    void unprivilegedSignalToOtherUidIsEperm() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.setuid("kid", 1000);
        assertNull(l.signal("kid", "kid", "0"));
        assertEquals("EPERM", l.signal("kid", "main", "SIGTERM"));
        assertEquals("S", l.state("main"));
        assertNull(l.signal("main", "kid", "SIGTERM"), "root may");
        assertEquals(true, l.get("main", "flags.PF_SUPERPRIV"));
    }

    @Test
    void sigkillKillsAllThreads() {
        Lab l = Lab.plain();
        l.clone("main", "t1", List.of("CLONE_VM", "CLONE_SIGHAND", "CLONE_THREAD"), null);
        l.fork("main", "other");
        l.signal(null, "t1", "SIGKILL");
        assertEquals(false, l.get("t1", "exists"));
        assertEquals("Z", l.state("main"));
        assertEquals("agent", l.get("other", "ppid"));
    }

    @Test
    void unknownSignalIsEinval() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.signal(null, "main", "SIGBOGUS"));
    }
}
