package dev.proclab.real;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.kernel.Event;
import dev.proclab.kernel.StepResult;
import dev.proclab.posix.Posix;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every step and field of the format against this machine's kernel, through proclab-agent. */
class RealKernelTest {
    private static Machine machine;

    @BeforeAll
    static void probe() throws Exception {
        assumeTrue(Posix.isLinux(), "the real kernel is Linux");
        machine = Machine.probe(RealLab.agent());
    }

    private static void need(dev.proclab.kernel.Capability c) {
        assumeTrue(machine.has(c), c.id() + " is missing here: " + machine.capabilities().get(c).how());
    }

    private static String lab(String steps) {
        return "id: t\ntitle: t\nsteps:\n" + steps;
    }

    private static String nsLab(String sandbox, String steps) {
        return "id: t\ntitle: t\nsandbox: " + sandbox + "\nsteps:\n" + steps;
    }

    @Test
    void exitLeavesAZombieUntilTheParentWaits() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: kid}
                  - exit: {proc: kid, code: 1}
                  - observe: {proc: kid, fields: [state, ppid]}
                """))) {
            l.run();
            assertEquals("Z", l.get("kid.state"));
            assertEquals("main", l.get("kid.ppid"));
            // the kernel says so too, read by the test itself
            assertEquals('Z', RealLab.statOf(l.hostPid("kid")).state());
            assertEquals(l.hostPid("main"), RealLab.statOf(l.hostPid("kid")).ppid());
        }
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: kid}
                  - exit: {proc: kid, code: 1}
                  - wait: {proc: main, for: kid}
                  - observe: {proc: main, fields: [wait]}
                  - observe: {proc: kid, fields: [exists]}
                """))) {
            l.run();
            Map<?, ?> w = (Map<?, ?>) l.get("main.wait");
            assertEquals(256L, w.get("status"));
            assertEquals("kid", w.get("pid"));
            assertEquals(true, w.get("exited"));
            assertEquals(1L, w.get("code"));
            assertEquals(false, l.get("kid.exists"));
        }
    }

    @Test
    void exitCodesAndSignalsAsWaitpidEncodesThem() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: a}
                  - exit: {proc: a, code: 7}
                  - wait: {proc: main, for: a}
                  - observe: {proc: main, fields: [wait]}
                """))) {
            assertEquals(1792L, ((Map<?, ?>) l.run().get("main.wait")).get("status"));
        }
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: a}
                  - block: {proc: a}
                  - signal: {to: a, sig: SIGKILL}
                  - wait: {proc: main, for: a}
                  - observe: {proc: main, fields: [wait]}
                """))) {
            Map<?, ?> w = (Map<?, ?>) l.run().get("main.wait");
            assertEquals(9L, w.get("status"));
            assertEquals("SIGKILL", w.get("signal"));
        }
    }

    @Test
    void stopContinueTraceStates() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: kid}
                  - block: {proc: kid}
                  - observe: {proc: kid, fields: [state]}
                """))) {
            assertEquals("S", l.run().get("kid.state"));
            long kid = l.hostPid("kid");
            l.kernel.apply(new dev.proclab.kernel.Step.Signal(null, "kid", "SIGSTOP", dev.proclab.kernel.Pos.NONE));
            assertEquals('T', RealLab.statOf(kid).state());
            l.kernel.apply(new dev.proclab.kernel.Step.Signal(null, "kid", "SIGCONT", dev.proclab.kernel.Pos.NONE));
            assertEquals('S', RealLab.statOf(kid).state());
        }
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: kid}
                  - block: {proc: kid}
                  - ptrace: {proc: main, attach: kid}
                  - observe: {proc: kid, fields: [state]}
                """))) {
            need(dev.proclab.kernel.Capability.PTRACE);
            assertEquals("t", l.run().get("kid.state"));
        }
    }

    @Test
    void vforkParentWaitsInDUntilTheChildExits() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - vfork: {proc: main, child: kid}
                  - observe: {proc: main, fields: [state]}
                  - observe: {proc: kid, fields: [ppid]}
                """))) {
            l.run();
            assertEquals("D", l.get("main.state"));
            assertEquals("main", l.get("kid.ppid"));
            assertEquals('D', RealLab.statOf(l.hostPid("main")).state());
            StepResult r = l.kernel.apply(new dev.proclab.kernel.Step.Exit("kid", 0, dev.proclab.kernel.Pos.NONE));
            long main = l.hostPid("main");
            // the parent leaves D once its child has exited (it waits for its next command: S)
            await().atMost(Duration.ofSeconds(2)).until(() -> RealLab.statOf(main).state() == 'S');
            assertEquals(null, r.errno());
        }
    }

    @Test
    void copyOnWriteSharesFramesUntilAWrite() throws Exception {
        need(dev.proclab.kernel.Capability.PAGEMAP_PFN);
        try (RealLab l = new RealLab(lab("""
                  - map: {proc: main, region: heap, pages: 256}
                  - touch: {proc: main, region: heap, pages: all, mode: write}
                  - fork: {proc: main, child: kid}
                  - observe: {proc: [main, kid], fields: [frames.heap]}
                  - touch: {proc: kid, region: heap, pages: 128, mode: write}
                  - observe: {proc: [main, kid], fields: [frames.heap, minflt]}
                """))) {
            l.run();
            for (String p : List.of("main", "kid")) {
                Map<?, ?> f = (Map<?, ?>) l.get(p + ".frames.heap");
                assertEquals(256L, f.get("present"), p);
                assertEquals(128L, f.get("shared"), p + " " + f);
                assertEquals(128L, f.get("exclusive"), p + " " + f);
            }
            assertTrue((Long) l.get("kid.minflt") >= 128, "each first write to a shared page is a minor fault");
        }
    }

    @Test
    void aThreadSharesMemoryAndRaisesTheGroupsThreadCount() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - set: {proc: main, var: x, value: 1}
                  - clone: {proc: main, child: thr, flags: [CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_THREAD]}
                  - add: {proc: thr, var: x, value: 41}
                  - observe: {proc: [main, thr], fields: [threads, tgid, var.x]}
                """))) {
            l.run();
            assertEquals(2L, l.get("main.threads"));
            assertEquals("main", l.get("thr.tgid"));
            assertEquals(42L, l.get("main.var.x"));
            assertEquals(42L, l.get("thr.var.x"));
            assertEquals(2L, RealLab.statOf(l.hostPid("main")).numThreads());
        }
    }

    @Test
    void invalidCloneFlagsFailWithTheKernelsErrno() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - clone: {proc: main, child: bad, flags: [CLONE_SIGHAND]}
                  - observe: {proc: main, fields: [errno]}
                """))) {
            assertEquals("EINVAL", l.run().get("main.errno"));
        }
    }

    @Test
    void waitOptionsAndECHILD() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: kid}
                  - wait: {proc: main, for: kid, options: [WNOHANG]}
                  - observe: {proc: main, fields: [wait]}
                """))) {
            Map<?, ?> w = (Map<?, ?>) l.run().get("main.wait");
            assertEquals(0L, w.get("pid"));
        }
        try (RealLab l = new RealLab(lab("""
                  - wait: {proc: main, for: any}
                  - observe: {proc: main, fields: [errno, wait]}
                """))) {
            l.run();
            assertEquals("ECHILD", l.get("main.errno"));
            assertEquals(null, l.get("main.wait"));
        }
    }

    @Test
    void execReplacesTheImageAndItsOutputIsShown() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: kid}
                  - exec: {proc: kid, argv: [/bin/echo, hello from the real kernel]}
                  - wait: {proc: main, for: kid}
                  - observe: {proc: main, fields: [wait]}
                """))) {
            l.run();
            assertEquals(0L, ((Map<?, ?>) l.get("main.wait")).get("status"));
            String out = l.results.stream().flatMap(r -> r.events().stream()).filter(e -> e.kind().equals("output"))
                    .map(Event::text).reduce("", String::concat);
            assertTrue(out.contains("hello from the real kernel"), "the exec'd program's output arrives as events: " + out);
        }
    }

    @Test
    void aFreshPidNamespaceNumbersFromOne() throws Exception {
        need(dev.proclab.kernel.Capability.PID_NAMESPACE);
        try (RealLab l = new RealLab(nsLab("{pid_namespace: true}", """
                  - fork: {proc: main, child: a}
                  - observe: {proc: [main, a], fields: [pid, ppid]}
                """))) {
            l.run();
            assertEquals(1L, l.get("main.pid"));
            assertEquals(0L, l.get("main.ppid"));
            assertEquals(2L, l.get("a.pid"));
            assertEquals("main", l.get("a.ppid"));
        }
    }

    @Test
    void pidMaxOfTheNamespaceWrapsTo300AndTheHostsIsUntouched() throws Exception {
        need(dev.proclab.kernel.Capability.PID_NAMESPACE);
        Long hostPidMax = dev.proclab.proc.ProcFiles.readLong(dev.proclab.proc.ProcPaths.PID_MAX);
        try (RealLab l = new RealLab(nsLab("{pid_namespace: true, pid_max: 400}", """
                  - repeat:
                      times: 398
                      steps:
                        - fork: {proc: main, child: "w{i}"}
                        - exit: {proc: "w{i}", code: 0}
                        - wait: {proc: main, for: "w{i}"}
                  - observe: {system: [pid_max, ns_last_pid]}
                  - fork: {proc: main, child: c}
                  - observe: {proc: c, fields: [pid]}
                """))) {
            l.run();
            assertEquals(400L, l.get("system.pid_max"));
            assertEquals(399L, l.get("system.ns_last_pid"));
            assertEquals(300L, l.get("c.pid"));
        }
        assertEquals(hostPidMax, dev.proclab.proc.ProcFiles.readLong(dev.proclab.proc.ProcPaths.PID_MAX));
    }

    @Test
    void aPidsCgroupRefusesTheForkPastItsLimit() throws Exception {
        need(dev.proclab.kernel.Capability.CGROUP_PIDS);
        try (RealLab l = new RealLab(nsLab("{pid_namespace: true, pids_max: 3}", """
                  - fork: {proc: main, child: a}
                  - fork: {proc: main, child: b}
                  - observe: {proc: main, fields: [errno]}
                  - fork: {proc: main, child: c}
                  - observe: {proc: main, fields: [errno, children]}
                """))) {
            l.run();
            assertEquals("EAGAIN", l.get("main.errno"));
            assertEquals(List.of("a", "b"), l.get("main.children"));
        }
    }

    @Test
    void kthreaddIsPid2() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - observe: {pid: 2, fields: [comm, kthread, ppid]}
                """))) {
            l.run();
            assertEquals("kthreadd", l.get("pid 2.comm"));
            assertEquals(true, l.get("pid 2.kthread"));
            assertEquals(0L, l.get("pid 2.ppid"));
        }
    }

    @Test
    void nothingOutlivesTheLab() throws Exception {
        Set<Long> pids;
        long agentPid;
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: a}
                  - fork: {proc: a, child: b}
                  - exit: {proc: a, code: 0}
                  - fork: {proc: main, child: z}
                  - exit: {proc: z, code: 3}
                  - fork: {proc: main, child: s}
                  - block: {proc: s}
                  - signal: {to: s, sig: SIGSTOP}
                  - observe: {proc: [a, b, z, s], fields: [state]}
                  - observe: {proc: b, fields: [ppid]}
                """))) {
            l.run();
            assertEquals("Z", l.get("z.state"));
            assertEquals("T", l.get("s.state"));
            assertEquals("agent", l.get("b.ppid"), "the orphan is adopted by the agent, the lab's subreaper");
            pids = Set.copyOf(l.hostPids);
            agentPid = l.kernel.agentPid();
            assertFalse(pids.isEmpty());
        }
        // zombies, a stopped process and an orphan: all gone once the lab is closed
        await().atMost(Duration.ofSeconds(2)).until(() -> RealLab.stillThere(pids, agentPid).isEmpty());
    }

    @Test
    void theRemainingFieldsAndSteps() throws Exception {
        try (RealLab l = new RealLab(lab("""
                  - map: {proc: main, region: heap, pages: 64}
                  - touch: {proc: main, region: heap, pages: all, mode: write}
                  - fork: {proc: main, child: sleeper}
                  - hold: {proc: sleeper, for: 2s}
                  - fork: {proc: main, child: burner}
                  - spin: {proc: burner, for: 2s}
                  - subreaper: {proc: main}
                  - ignore: {proc: main, sig: SIGCHLD}
                  - observe: {proc: main, fields: [pgid, sid, comm, flags, flags.PF_FORKNOEXEC, rss_anon_kb, majflt, children]}
                  - observe: {proc: [sleeper, burner], fields: [state, pgid]}
                """))) {
            l.run();
            // outside a namespace main shares the agent's session and process group (the agent called setsid)
            assertEquals("agent", l.get("main.pgid"));
            assertEquals("agent", l.get("main.sid"));
            assertEquals("proclab-agent", l.get("main.comm"));
            // main was started by fork + execve of the agent itself: exec cleared PF_FORKNOEXEC
            assertTrue(((List<?>) l.get("main.flags")).contains("PF_RANDOMIZE"), String.valueOf(l.get("main.flags")));
            assertEquals(false, l.get("main.flags.PF_FORKNOEXEC"));
            assertTrue((Long) l.get("main.rss_anon_kb") >= 64 * 4, "64 written pages are anonymous RSS: " + l.get("main.rss_anon_kb"));
            assertEquals(0L, l.get("main.majflt"), "anonymous pages never come from disk");
            assertEquals(List.of("sleeper", "burner"), l.get("main.children"));
            assertEquals("S", l.get("sleeper.state"));
            assertEquals("R", l.get("burner.state"));
            assertEquals("agent", l.get("burner.pgid"));
            // the kernel agrees: SIGCHLD ignored in main, main a child subreaper
            String status = dev.proclab.proc.ProcFiles.read(dev.proclab.proc.ProcPaths.status(l.hostPid("main")));
            long ign = Long.parseUnsignedLong(dev.proclab.proc.ProcStatus.parse(status).get("SigIgn"), 16);
            assertTrue((ign & (1L << (17 - 1))) != 0, "SigIgn has SIGCHLD: " + Long.toHexString(ign));
        }
        need(dev.proclab.kernel.Capability.SETUID);
        try (RealLab l = new RealLab(lab("""
                  - fork: {proc: main, child: u}
                  - rlimit: {proc: u, resource: NOFILE, value: 64}
                  - setuid: {proc: u, uid: 40123}
                  - setuid: {proc: u, uid: 0}
                  - observe: {proc: u, fields: [errno]}
                """))) {
            l.run();
            assertEquals("EPERM", l.get("u.errno"), "no way back to root after setuid");
            String status = dev.proclab.proc.ProcFiles.read(dev.proclab.proc.ProcPaths.status(l.hostPid("u")));
            assertTrue(status.contains("Uid:\t40123\t40123\t40123\t40123"), status);
            String limits = dev.proclab.proc.ProcFiles.read(dev.proclab.proc.ProcPaths.pidDir(l.hostPid("u")) + "/limits");
            assertTrue(limits.matches("(?s).*Max open files\\s+64\\s+64\\s+files.*"), limits);
        }
    }

    @Test
    void theCgroupOfAKilledAgentIsRemovedAllTheSame() throws Exception {
        need(dev.proclab.kernel.Capability.CGROUP_PIDS);
        java.nio.file.Path cgroup;
        try (RealLab l = new RealLab(nsLab("{pid_namespace: true, pids_max: 10}", """
                  - fork: {proc: main, child: a}
                  - block: {proc: a}
                """))) {
            l.run();
            String line = java.util.Arrays.stream(dev.proclab.proc.ProcFiles.read("/proc/" + l.hostPid("a") + "/cgroup").split("\n"))
                    .filter(x -> x.contains(":pids:") || x.startsWith("0::")).findFirst().orElseThrow();
            String rel = line.substring(line.lastIndexOf(':') + 1);
            cgroup = line.startsWith("0::") ? java.nio.file.Path.of("/sys/fs/cgroup" + rel) : java.nio.file.Path.of("/sys/fs/cgroup/pids" + rel);
            assertTrue(java.nio.file.Files.isDirectory(cgroup), cgroup.toString());
            assertTrue(cgroup.getFileName().toString().startsWith("proclab-"), cgroup.toString());
            ProcessHandle.of(l.kernel.agentPid()).orElseThrow().destroyForcibly(); // no chance to clean up
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !java.nio.file.Files.exists(cgroup));
    }
}
