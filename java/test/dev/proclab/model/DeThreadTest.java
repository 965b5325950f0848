package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * de_thread and a traced thread: the exec kills the other threads, a traced one stays a zombie until
 * its tracer waits for it or exits, and the exec waits for that in D (measured on Linux 6.18 with
 * /tmp/dx-c programs and the regression labs exec-*-waiting, exec-waits-*, thread-exec-*).
 */
class DeThreadTest {
    private static Lab tracedThread() {
        Lab l = Lab.plain();
        l.fork("main", "p");
        l.clone("p", "t2", CloneTest.THREAD, null);
        l.fork("main", "c1");
        assertNull(l.ptrace("c1", "t2"));
        return l;
    }

    private static boolean has(Lab l, String kind) {
        return l.last.events().stream().anyMatch(e -> e.kind().equals(kind));
    }

    @Test
    void theExecWaitsUntilTheTracerWaits() {
        Lab l = tracedThread();
        l.set("p", "x", 5);
        assertNull(l.exec("p", "sleep", "1000"));
        assertTrue(has(l, Event.BLOCKS));
        assertEquals("D", l.state("p"));
        assertEquals("begin_new_exec", l.get("p", "wchan"));
        assertEquals(2L, l.num("p", "threads"));
        assertEquals("proclab-agent", l.get("p", "comm"), "the old image until the exec goes on");
        assertEquals(5L, l.get("p", "var.x"), "and the old memory");
        assertEquals("Z", l.state("t2"));
        assertEquals(true, l.get("t2", "flags.PF_SIGNALED"));
        l.hold("p", 10);
        assertTrue(has(l, Event.BLOCKED), "it takes no step while it waits");
        l.waitFor("c1", "t2");
        assertTrue(has(l, Event.EXECD));
        assertEquals(0L, l.status("c1"), "do_group_exit gives exit code 0 while group_exec_task is set");
        assertEquals("S", l.state("p"));
        assertEquals("sleep", l.get("p", "comm"));
        assertEquals(1L, l.num("p", "threads"));
        assertEquals(false, l.get("t2", "exists"));
    }

    @Test
    void theTracersExitLetsItGo() {
        Lab l = tracedThread();
        l.exec("p", "sleep", "1000");
        l.exit("c1", 3);
        assertEquals("sleep", l.get("p", "comm"));
        assertEquals(false, l.get("t2", "exists"));
    }

    @Test
    void aTracerAsleepInWaitReapsAtOnce() {
        Lab l = tracedThread();
        l.waitFor("c1", "t2"); // the trap stop
        l.waitFor("c1", "t2"); // blocks
        l.exec("p", "sleep", "1000");
        assertFalse(has(l, Event.BLOCKS), "the exec went on within its step");
        assertEquals("sleep", l.get("p", "comm"));
        assertEquals(0L, l.status("c1"));
    }

    @Test
    void sigkillEndsItAndTheStatusWaitsForTheZombieThread() {
        Lab l = tracedThread();
        l.exec("p", "sleep", "1000");
        l.signal(null, "p", "SIGKILL");
        assertEquals("Z", l.state("p"));
        assertEquals(2L, l.num("p", "threads"));
        l.waitFor("main", "p", "WNOHANG");
        assertEquals(0L, l.waitOf("main").get("pid"), "delay_group_leader: not reported yet");
        l.waitFor("c1", "t2");
        assertEquals(9L, l.status("c1"), "the group's exit code, SIGNAL_GROUP_EXIT now");
        l.waitFor("main", "p");
        assertEquals(9L, l.status("main"));
    }

    @Test
    void aStopWaitsForTheExecAndTheProgramStartsStopped() {
        Lab l = tracedThread();
        l.exec("p", "true");
        l.signal(null, "p", "SIGSTOP");
        assertEquals("D", l.state("p"));
        l.waitFor("c1", "t2");
        assertEquals("T", l.state("p"));
        l.waitFor("main", "p", "WUNTRACED");
        assertEquals(0x137fL, l.status("main"));
        l.signal(null, "p", "SIGCONT");
        assertEquals("Z", l.state("p"), "true runs once continued");
    }

    @Test
    void aThreadsExecWaitsThenTakesTheLeadersPid() {
        Lab l = tracedThread();
        l.clone("p", "t3", CloneTest.THREAD, null);
        long pid = l.num("p", "pid");
        l.exec("t3", "sleep", "1000");
        assertEquals("Z", l.state("p"));
        assertEquals("D", l.state("t3"));
        assertEquals(List.of("begin_new_exec", "load_elf_binary", "bprm_execve", "do_execveat_common", "__x64_sys_execve",
                "do_syscall_64", "entry_SYSCALL_64_after_hwframe"), l.get("t3", "kstack"));
        l.waitFor("c1", "t2");
        assertEquals("sleep", l.get("p", "comm"));
        assertEquals(pid, l.num("p", "pid"));
        assertEquals(false, l.get("t3", "exists"));
    }

    @Test
    void aTracedLeaderDoesNotHoldUpAThreadsExec() {
        Lab l = Lab.plain();
        l.fork("main", "p");
        l.clone("p", "t2", CloneTest.THREAD, null);
        l.fork("main", "c1");
        l.ptrace("c1", "p");
        l.exec("t2", "sleep", "1000");
        assertFalse(has(l, Event.BLOCKS));
        assertEquals("sleep", l.get("p", "comm"));
        assertEquals("ECHILD", l.waitFor("c1", "any", "WNOHANG"));
    }

    @Test
    void anAttachWaitsForTheExecsCredGuardMutex() {
        Lab l = tracedThread();
        l.fork("main", "c2");
        l.exec("p", "sleep", "1000");
        assertNull(l.ptrace("c2", "p"));
        assertTrue(has(l, Event.BLOCKS));
        assertEquals("S", l.state("c2"));
        assertEquals("ptrace_attach", l.get("c2", "wchan"));
        l.waitFor("c1", "t2");
        assertTrue(has(l, Event.RETURNED));
        assertEquals("t", l.state("p"), "the program is attached, and stops for PTRACE_INTERRUPT");
        assertNull(l.get("c2", "errno"));
    }

    @Test
    void theTracerThatAttachesDeadlocksUntilItIsKilled() {
        Lab l = tracedThread();
        l.exec("p", "sleep", "1000");
        l.ptrace("c1", "p");
        l.waitFor("c1", "t2");
        assertTrue(has(l, Event.BLOCKED), "c1 sleeps in the attach and cannot wait");
        l.signal(null, "c1", "SIGKILL");
        assertEquals("sleep", l.get("p", "comm"), "exit_ptrace released the zombie thread");
    }

    @Test
    void aKilledExecMayBeAttachedBeforeItExits() {
        Lab l = tracedThread();
        l.fork("main", "c3");
        l.exec("p", "sleep", "1000");
        l.ptrace("c3", "p");
        l.signal(null, "p", "SIGKILL");
        assertEquals("EPERM", l.get("c3", "errno"), "the model's first way: the exit comes first");
        assertTrue(l.k.choiceNames().contains("who goes first when an exec waiting in de_thread is killed"));
        ModelKernel other = l.k.replay(List.of(1));
        Lab m = new Lab(other);
        m.fork("main", "p");
        m.clone("p", "t2", CloneTest.THREAD, null);
        m.fork("main", "c1");
        m.ptrace("c1", "t2");
        m.fork("main", "c3");
        m.exec("p", "sleep", "1000");
        m.ptrace("c3", "p");
        m.signal(null, "p", "SIGKILL");
        assertNull(m.get("c3", "errno"), "the other way: attached while it still lived");
        m.waitFor("c1", "t2");
        m.waitFor("main", "p", "WNOHANG");
        assertEquals(0L, m.waitOf("main").get("pid"), "its zombie is its tracer's first");
        m.waitFor("c3", "p");
        assertEquals(9L, m.status("c3"));
        m.waitFor("main", "p");
        assertEquals(9L, m.status("main"));
    }

    @Test
    void aSignalToTheTracedZombiesTidWaitsForTheExec() {
        Lab l = tracedThread();
        l.exec("p", "sleep", "1000");
        assertNull(l.signal("main", "t2", "SIGTERM"));
        assertEquals("D", l.state("p"), "complete_signal's shortcut needs an untraced target");
        l.waitFor("c1", "t2");
        assertEquals(0L, l.status("c1"));
        assertEquals("Z", l.state("p"));
        l.waitFor("main", "p");
        assertEquals(15L, l.status("main"), "the new program took it");
    }
}
