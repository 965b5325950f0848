package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** copy_process with clone flags: validity, sharing, threads, vfork. */
class CloneTest {
    static final List<String> THREAD = List.of("CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_THREAD");

    @Test
    void sighandWithoutVmIsEinval() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.clone("main", "c", List.of("CLONE_SIGHAND"), null));
        assertEquals("EINVAL", l.get("main", "errno"));
    }

    @Test
    void threadWithoutSighandIsEinval() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.clone("main", "c", List.of("CLONE_VM", "CLONE_THREAD"), null));
    }

    @Test
    void newnsWithFsIsEinval() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.clone("main", "c", List.of("CLONE_NEWNS", "CLONE_FS"), null));
        assertEquals("EINVAL", l.clone("main", "c", List.of("CLONE_NEWUSER", "CLONE_FS"), null));
    }

    @Test
    void threadWithNewpidIsEinval() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.clone("main", "c", List.of("CLONE_VM", "CLONE_SIGHAND", "CLONE_THREAD", "CLONE_NEWPID"), null));
    }

    @Test
    void namespaceInitCannotCloneParent() {
        Lab l = Lab.ns();
        assertEquals("EINVAL", l.clone("main", "c", List.of("CLONE_PARENT"), null));
    }

    @Test
    void newNamespacesNeedRoot() {
        Lab l = Lab.plain();
        l.fork("main", "u");
        l.setuid("u", 1000);
        assertEquals("EPERM", l.clone("u", "c", List.of("CLONE_NEWPID"), null));
        assertNull(l.clone("main", "c", List.of("CLONE_NEWPID"), null));
        assertEquals(1L, l.get("c", "pid"));
        // pid-valued fields are as the lab's namespace sees them: there, c's parent is main
        // (from inside its own namespace getppid() says 0; docs/observations.md)
        assertEquals("main", l.get("c", "ppid"));
        assertEquals(true, l.get("main", "flags.PF_SUPERPRIV"));
    }

    @Test
    void threadsShareTheGroup() {
        Lab l = Lab.ns();
        l.set("main", "x", 1);
        assertNull(l.clone("main", "t1", THREAD, null));
        assertEquals(2L, l.get("main", "threads"));
        assertEquals(2L, l.get("t1", "threads"));
        assertEquals("main", l.get("t1", "tgid"));
        assertEquals(2L, l.get("t1", "pid"));
        assertEquals(0L, l.get("t1", "ppid"), "a thread's parent is its leader's parent");
        assertEquals(List.of(), l.get("main", "children"));
        l.set("t1", "x", 42);
        assertEquals(42L, l.get("main", "var.x"));
        l.map("t1", "heap", 4);
        l.touch("t1", "heap", dev.proclab.kernel.PageRange.ALL, true);
        assertEquals(4L, l.frames("main", "heap").get("exclusive"), "one mm: every page mapped once");
    }

    @Test
    void threadExitsAloneAndIsReapedAtOnce() {
        Lab l = Lab.ns();
        l.clone("main", "t1", THREAD, null);
        l.exit("t1", 0);
        assertEquals(false, l.get("t1", "exists"));
        assertEquals(1L, l.get("main", "threads"));
        assertEquals("S", l.state("main"));
    }

    @Test
    void leaderExitWaitsForItsThreads() {
        Lab l = Lab.plain();
        l.fork("main", "p");
        l.clone("p", "t1", THREAD, null);
        l.exit("p", 3);
        assertEquals("Z", l.state("p"));
        assertEquals(2L, l.get("p", "threads"));
        l.waitFor("main", "p", "WNOHANG");
        assertEquals(0L, l.waitOf("main").get("pid"), "delay_group_leader");
        l.exit("t1", 9);
        l.waitFor("main", "p");
        // the group's status is its last thread's (measured here: 1280 for exit(5) after the leader's exit(3))
        assertEquals(2304L, l.status("main"), "the last thread's exit code");
    }

    @Test
    void threadIsNotWaitable() {
        Lab l = Lab.plain();
        l.clone("main", "t1", THREAD, null);
        assertEquals("ECHILD", l.waitFor("main", "t1"));
    }

    @Test
    void vmWithoutThreadSharesMemoryNotPid() {
        Lab l = Lab.plain();
        l.set("main", "v", 5);
        assertNull(l.clone("main", "c", List.of("CLONE_VM"), null));
        assertEquals("c", l.get("c", "tgid"));
        l.set("c", "v", 6);
        assertEquals(6L, l.get("main", "var.v"));
    }

    @Test
    void forkCopiesVars() {
        Lab l = Lab.plain();
        l.set("main", "v", 5);
        l.fork("main", "kid");
        l.add("kid", "v", 1);
        assertEquals(6L, l.get("kid", "var.v"));
        assertEquals(5L, l.get("main", "var.v"));
        assertNull(l.get("main", "var.never"));
    }

    @Test
    void cloneParentMakesASibling() {
        Lab l = Lab.ns();
        l.fork("main", "a");
        assertNull(l.clone("a", "b", List.of("CLONE_PARENT"), null));
        assertEquals("main", l.get("b", "ppid"));
        assertEquals(List.of("a", "b"), l.get("main", "children"));
    }

    @Test
    void vforkParentIsDUntilChildExecs() {
        Lab l = Lab.plain();
        assertNull(l.vfork("main", "kid"));
        assertEquals("D", l.state("main"));
        assertEquals("S", l.state("kid"));
        l.exec("kid", "/bin/sleep", "10");
        assertEquals("resumed", l.last.events().get(0).kind());
        assertEquals("S", l.state("main"));
        assertEquals("sleep", l.get("kid", "comm"));
    }

    @Test
    void vforkParentIsDUntilChildExits() {
        Lab l = Lab.plain();
        l.vfork("main", "kid");
        l.exit("kid", 0);
        assertEquals("S", l.state("main"));
    }

    @Test
    void vforkChildTakesOnlyExitOrExec() {
        Lab l = Lab.plain();
        l.vfork("main", "kid");
        assertThrows(AssertionError.class, () -> l.fork("kid", "x"));
        var r = l.run(new dev.proclab.kernel.Step.Fork("main", "x", Lab.P));
        assertEquals("blocked", r.events().get(0).kind());
    }

    @Test
    void bindingALiveNameTwiceIsALabError() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertThrows(AssertionError.class, () -> l.fork("main", "kid"));
    }

    @Test
    void forkSetsForknoexecAndClearsSuperpriv() {
        Lab l = Lab.plain();
        l.setuid("main", 0);
        assertEquals(true, l.get("main", "flags.PF_SUPERPRIV"));
        l.fork("main", "kid");
        assertEquals(false, l.get("kid", "flags.PF_SUPERPRIV"));
        assertEquals(true, l.get("kid", "flags.PF_FORKNOEXEC"));
    }
}
