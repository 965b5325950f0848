package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** do_exit, exit_notify, forget_original_parent, wait_consider_task and the status encoding. */
class ExitWaitTest {
    @Test
    void exitLeavesZombieUntilParentWaits() {
        Lab l = Lab.ns();
        l.fork("main", "kid");
        l.exit("kid", 1);
        assertEquals("Z", l.state("kid"));
        assertEquals("main", l.get("kid", "ppid"));
        assertEquals(true, l.get("kid", "exists"));
        assertEquals(true, l.get("kid", "flags.PF_EXITING"));
        assertNull(l.get("kid", "rss_anon_kb"), "a zombie has no mm");
        assertNull(l.waitFor("main", "kid"));
        assertEquals(Map.of("pid", "kid", "status", 256L, "exited", true, "code", 1L, "signaled", false, "core", false, "stopped", false,
                "continued", false).entrySet(), nonNull(l.waitOf("main")).entrySet());
        assertEquals(false, l.get("kid", "exists"));
        assertNull(l.get("kid", "state"));
        assertEquals(List.of(), l.get("main", "children"));
    }

    static Map<String, Object> nonNull(Map<String, Object> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> { if (v != null) out.put(k, v); });
        return out;
    }

    @Test
    void exit7Gives1792() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exit("kid", 7);
        l.waitFor("main", "kid");
        assertEquals(1792L, l.status("main"));
        assertEquals(7L, l.waitOf("main").get("code"));
    }

    @Test
    void exitCodeIsTruncatedTo8Bits() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exit("kid", 257);
        l.waitFor("main", "kid");
        assertEquals(256L, l.status("main"));
    }

    @Test
    void sigkillGives9() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertNull(l.signal(null, "kid", "SIGKILL"));
        assertEquals("Z", l.state("kid"));
        assertEquals(true, l.get("kid", "flags.PF_SIGNALED"));
        l.waitFor("main", "kid");
        Map<String, Object> w = l.waitOf("main");
        assertEquals(9L, w.get("status"));
        assertEquals(true, w.get("signaled"));
        assertEquals("SIGKILL", w.get("signal"));
        assertEquals(false, w.get("exited"));
    }

    @Test
    void sigtermKillsWithItsNumber() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal("main", "kid", "SIGTERM");
        l.waitFor("main", "kid");
        assertEquals(15L, l.status("main"));
    }

    @Test
    void wnohangWithNothingToReport() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertNull(l.waitFor("main", "kid", "WNOHANG"));
        Map<String, Object> w = l.waitOf("main");
        assertEquals(0L, w.get("pid"));
        assertEquals(0L, w.get("status"));
        assertEquals(false, w.get("exited"));
        assertNull(w.get("code"));
        assertEquals("S", l.state("main"));
    }

    @Test
    void echildWithoutChildren() {
        Lab l = Lab.plain();
        assertEquals("ECHILD", l.waitFor("main", "any"));
        assertEquals("ECHILD", l.get("main", "errno"));
        assertNull(l.get("main", "wait"));
    }

    @Test
    void echildForSomeoneElsesChild() {
        Lab l = Lab.plain();
        l.fork("main", "a");
        l.fork("a", "b");
        l.exit("b", 0);
        assertEquals("ECHILD", l.waitFor("main", "b"));
        assertEquals("Z", l.state("b"));
    }

    @Test
    void successClearsErrno() {
        Lab l = Lab.plain();
        l.waitFor("main", "any");
        assertEquals("ECHILD", l.get("main", "errno"));
        l.fork("main", "k");
        assertNull(l.get("main", "errno"));
    }

    @Test
    void wnowaitLeavesTheZombie() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exit("kid", 3);
        l.waitFor("main", "kid", "WNOWAIT");
        assertEquals(768L, l.status("main"));
        assertEquals("Z", l.state("kid"));
        l.waitFor("main", "kid");
        assertEquals(false, l.get("kid", "exists"));
    }

    @Test
    void waitAnyReapsAZombieChild() {
        Lab l = Lab.plain();
        l.fork("main", "a");
        l.fork("main", "b");
        l.exit("b", 2);
        l.waitFor("main", "any");
        assertEquals("b", l.waitOf("main").get("pid"));
        assertEquals(true, l.get("a", "exists"));
    }

    @Test
    void blockingWaitCompletesWhenChildExits() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        var r = l.run(new dev.proclab.kernel.Step.Wait("main", "kid", List.of(), Lab.P));
        assertEquals("blocks", r.events().get(0).kind());
        assertEquals("S", l.state("main"));
        assertNull(l.get("main", "wait"));
        l.exit("kid", 4);
        assertEquals("returned", l.last.events().get(0).kind());
        assertEquals(1024L, l.status("main"));
        assertEquals(false, l.get("kid", "exists"));
    }

    @Test
    void orphansGoToTheAgentSubreaper() {
        Lab l = Lab.plain();
        l.fork("main", "mid");
        l.fork("mid", "leaf");
        l.exit("mid", 0);
        assertEquals("agent", l.get("leaf", "ppid"));
        assertEquals(List.of("main", "leaf"), l.get("agent", "children"));
    }

    @Test
    void orphansGoToNamespaceInit() {
        Lab l = Lab.ns();
        l.fork("main", "mid");
        l.fork("mid", "leaf");
        l.exit("mid", 0);
        assertEquals("main", l.get("leaf", "ppid"));
        assertEquals(List.of("mid", "leaf"), l.get("main", "children"), "reparented ones are appended");
    }

    @Test
    void orphansGoToTheNearestSubreaper() {
        Lab l = Lab.ns();
        l.fork("main", "sub");
        l.subreaper("sub");
        l.fork("sub", "mid");
        l.fork("mid", "leaf");
        l.exit("mid", 0);
        assertEquals("sub", l.get("leaf", "ppid"));
    }

    @Test
    void exitedSubreaperIsSkipped() {
        Lab l = Lab.ns();
        l.fork("main", "sub");
        l.subreaper("sub");
        l.fork("sub", "mid");
        l.fork("mid", "leaf");
        l.exit("sub", 0);
        assertEquals("main", l.get("mid", "ppid"));
        l.exit("mid", 0);
        assertEquals("main", l.get("leaf", "ppid"));
    }

    @Test
    void reparentedZombieStaysForTheNewParent() {
        Lab l = Lab.ns();
        l.fork("main", "mid");
        l.fork("mid", "leaf");
        l.exit("leaf", 5);
        l.exit("mid", 0);
        assertEquals("Z", l.state("leaf"));
        assertEquals("main", l.get("leaf", "ppid"));
        l.waitFor("main", "leaf");
        assertEquals(1280L, l.status("main"));
    }

    @Test
    void ignoredSigchldReapsAtExit() {
        Lab l = Lab.plain();
        assertNull(l.ignore("main", "SIGCHLD"));
        l.fork("main", "kid");
        l.exit("kid", 0);
        assertEquals(false, l.get("kid", "exists"), "no zombie");
        assertEquals("ECHILD", l.waitFor("main", "any"));
    }

    @Test
    void ignoredSigchldWaitBlocksUntilChildrenAreGoneThenEchild() {
        Lab l = Lab.plain();
        l.ignore("main", "SIGCHLD");
        l.fork("main", "kid");
        var r = l.run(new dev.proclab.kernel.Step.Wait("main", "any", List.of(), Lab.P));
        assertEquals("blocks", r.events().get(0).kind());
        l.exit("kid", 0);
        assertEquals("ECHILD", l.get("main", "errno"));
        assertNull(l.get("main", "wait"));
        assertEquals("S", l.state("main"));
    }

    @Test
    void reparentingToAnIgnoringParentReapsZombies() {
        Lab l = Lab.ns();
        l.ignore("main", "SIGCHLD");
        l.fork("main", "mid");
        l.fork("mid", "leaf");
        l.exit("leaf", 0);
        l.exit("mid", 0);
        assertEquals(false, l.get("leaf", "exists"));
        assertEquals(false, l.get("mid", "exists"));
    }

    @Test
    void namespaceInitExitKillsTheNamespace() {
        Lab l = Lab.ns();
        l.fork("main", "a");
        l.fork("a", "b");
        l.exit("main", 0);
        assertEquals(false, l.get("a", "exists"));
        assertEquals(false, l.get("b", "exists"));
        assertEquals("Z", l.state("main"));
        assertEquals(0L, l.get("main", "ppid"));
    }

    @Test
    void cloneChildWithOtherExitSignalNeedsWclone() {
        Lab l = Lab.plain();
        l.ignore("main", "SIGUSR1");
        assertNull(l.clone("main", "c", List.of(), "SIGUSR1"));
        l.exit("c", 0);
        assertEquals("ECHILD", l.waitFor("main", "c"));
        assertNull(l.waitFor("main", "c", "__WALL"));
        assertEquals(0L, l.status("main"));
    }

    @Test
    void exitSignalWithDefaultActionKillsTheParent() {
        Lab l = Lab.plain();
        l.clone("main", "c", List.of(), "SIGUSR1");
        l.exit("c", 0);
        assertEquals("Z", l.state("main"), "SIGUSR1's default action terminates");
    }

    @Test
    void namespaceInitExitReapsItsZombiesAndGrandchildren() {
        Lab l = Lab.ns();
        l.fork("main", "z");
        l.exit("z", 0);
        l.fork("main", "a");
        l.fork("a", "b");
        l.exit("b", 0);
        l.subreaper("a");
        l.fork("a", "c");
        l.exit("main", 3);
        for (String n : java.util.List.of("z", "a", "b", "c")) assertEquals(false, l.get(n, "exists"), n);
        assertEquals(java.util.List.of(), l.get("main", "children"));
        var late = l.run(new dev.proclab.kernel.Step.Fork("main", "late", Lab.P));
        assertEquals("not-taken", late.events().get(0).kind(), "a zombie takes no step");
        assertEquals(false, l.get("late", "exists"));
    }

    @Test
    void unprivilegedLabStillGetsItsNamespace() {
        Lab l = new Lab(ModelConfig.DEFAULT.withUid(1000), new dev.proclab.kernel.Sandbox(true, null, null));
        assertEquals(1L, l.get("main", "pid"));
        // main is root in the lab's own user namespace, which maps only uid 0 (the user outside)
        assertNull(l.setuid("main", 0));
        assertEquals("EINVAL", l.setuid("main", 1000));
    }

    @Test
    void wcloneWaitsOnlyForCloneChildren() {
        Lab l = Lab.plain();
        l.ignore("main", "SIGUSR2");
        l.clone("main", "c", List.of(), "SIGUSR2");
        l.fork("main", "f");
        l.exit("c", 6);
        l.exit("f", 5);
        assertNull(l.waitFor("main", "any", "__WCLONE"));
        assertEquals("c", l.waitOf("main").get("pid"));
        assertEquals("ECHILD", l.waitFor("main", "f", "__WCLONE"));
        assertNull(l.waitFor("main", "any"));
        assertEquals("f", l.waitOf("main").get("pid"));
    }

    @Test
    void continuedIsReportedOnce() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.signal(null, "kid", "SIGSTOP");
        l.signal(null, "kid", "SIGCONT");
        l.waitFor("main", "kid", "WCONTINUED", "WNOWAIT");
        assertEquals(0xffffL, l.status("main"));
        l.waitFor("main", "kid", "WCONTINUED");
        assertEquals(0xffffL, l.status("main"));
        l.waitFor("main", "kid", "WCONTINUED", "WNOHANG");
        assertEquals(0L, l.waitOf("main").get("pid"));
        assertEquals("S", l.state("kid"));
    }
}
