package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** begin(): init_task, init, kthreadd and its kernel threads, the agent, main. */
class WorldTest {
    @Test
    void nameIsModel() {
        assertEquals("model", new ModelKernel().name());
    }

    @Test
    void kthreaddIsPid2UnderSwapper() {
        Lab l = Lab.plain();
        assertEquals("kthreadd", l.host(2, "comm"));
        assertEquals(true, l.host(2, "kthread"));
        assertEquals(0L, l.host(2, "ppid"));
        assertEquals(List.of("PF_FORKNOEXEC", "PF_NOFREEZE", "PF_KTHREAD"), l.host(2, "flags"));
        assertNull(l.host(2, "rss_anon_kb"), "a kernel thread has no mm");
    }

    @Test
    void initIsPid1() {
        Lab l = Lab.plain();
        assertEquals("init", l.host(1, "comm"));
        assertEquals(0L, l.host(1, "ppid"));
        assertEquals(false, l.host(1, "kthread"));
        assertEquals("S", l.host(1, "state"));
    }

    @Test
    void kernelThreadsAreChildrenOfKthreadd() {
        Lab l = Lab.plain();
        @SuppressWarnings("unchecked")
        List<Object> kids = (List<Object>) l.host(2, "children");
        assertTrue(kids.size() >= 4);
        for (Object k : kids) {
            long pid = (Long) k;
            assertEquals(true, l.host(pid, "kthread"));
            assertEquals(2L, l.host(pid, "ppid"));
        }
        assertEquals("kworker/0:0", l.host(4, "comm"));
        assertEquals("I", l.host(4, "state"));
        assertEquals("ksoftirqd/0", l.host(6, "comm"));
        assertEquals(true, l.host(4, "flags.PF_WQ_WORKER"));
    }

    @Test
    void swapperIsNotInProc() {
        Lab l = Lab.plain();
        assertEquals(false, l.host(0, "exists"));
        assertEquals(false, l.host(99999, "exists"));
    }

    @Test
    void taskListWalkedLikeForEachProcess() {
        Lab l = Lab.plain();
        List<String> ps = l.k.processList();
        assertEquals("1 init", ps.get(0));
        assertEquals("2 kthreadd", ps.get(1));
        assertTrue(ps.get(ps.size() - 1).endsWith("proclab-agent"));
    }

    @Test
    void mainOutsideNamespace() {
        Lab l = Lab.plain();
        assertEquals("agent", l.get("main", "ppid"));
        assertEquals("agent", l.get("main", "pgid"));
        assertEquals("agent", l.get("main", "sid"));
        assertEquals("main", l.get("main", "tgid"));
        assertEquals("proclab-agent", l.get("main", "comm"));
        assertEquals("S", l.state("main"));
        assertEquals(1L, l.get("main", "threads"));
        // main is fork + execve of the agent itself (as the real agent starts it): no PF_FORKNOEXEC
        assertEquals(List.of("PF_RANDOMIZE"), l.get("main", "flags"));
        assertEquals(false, l.get("main", "flags.PF_FORKNOEXEC"));
        assertEquals(false, l.get("main", "kthread"));
        assertEquals(List.of(), l.get("main", "children"));
        assertNull(l.get("main", "errno"));
        assertNull(l.get("main", "wait"));
        assertEquals(true, l.get("main", "exists"));
        assertEquals(List.of("main"), l.get("agent", "children"));
    }

    @Test
    void mainInsideNamespace() {
        Lab l = Lab.ns();
        assertEquals(1L, l.get("main", "pid"));
        assertEquals(0L, l.get("main", "ppid"));
        assertEquals("main", l.get("main", "pgid"));
        assertEquals("main", l.get("main", "sid"));
        l.fork("main", "kid");
        assertEquals("main", l.get("kid", "ppid"));
        assertEquals("main", l.get("kid", "pgid"));
        assertEquals("main", l.get("kid", "sid"));
    }

    @Test
    void hostPidObservationOfLabProcessUsesNames() {
        Lab l = Lab.plain();
        long pid = (Long) l.get("main", "pid");
        assertEquals("agent", l.host(pid, "ppid"));
    }

    @Test
    void hostPidSubjectsSeeHostPids() {
        Lab l = Lab.ns();
        assertEquals(11L, l.host(11, "pid"));
        assertEquals("agent", l.host(11, "ppid"));
        assertEquals(1L, l.get("main", "pid"));
        assertEquals(0L, l.get("main", "ppid"));
    }

    @Test
    void systemFields() {
        Lab l = new Lab(ModelConfig.DEFAULT.withThreadsMax(1000), new dev.proclab.kernel.Sandbox(true, 1000, null));
        assertEquals(1000L, l.system("pid_max"));
        assertEquals(1L, l.system("ns_last_pid"));
        assertEquals(1000L, l.system("threads_max"));
    }

    @Test
    void tasksPicture() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.exit("kid", 0);
        var views = l.k.tasks();
        assertEquals(List.of("agent", "main", "kid"), views.stream().map(v -> v.name()).toList());
        assertEquals("Z", views.get(2).state());
        assertEquals("main", views.get(2).parent());
    }

    @Test
    void beginValidatesSandbox() {
        assertThrows(dev.proclab.kernel.KernelException.class,
                () -> new ModelKernel().begin(new dev.proclab.kernel.Sandbox(true, 100, null)));
        assertThrows(dev.proclab.kernel.KernelException.class,
                () -> new ModelKernel().apply(new dev.proclab.kernel.Step.Pause(dev.proclab.kernel.Duration.ofMillis(1), Lab.P)));
    }
}
