package dev.proclab.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.cli.Cli;
import dev.proclab.kernel.Step;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import dev.proclab.posix.Posix;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.ProcStatus;
import dev.proclab.proc.ProcessTable;
import dev.proclab.real.RealKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a lab does reaches a process outside it (issue 14). A canary process runs outside every
 * lab while labs signal, trace and wait across nested pid namespaces, from inside and from outside,
 * with and without a sandbox. The kernel's signal_generate tracepoint (a tracefs instance of its
 * own) shows every signal a lab process or the agent sent: each must have gone to a process of a
 * lab, and the canary must have received none. A tracer's target shows in /proc (TracerPid) until
 * the tracer ends: after every step, no process outside the lab may have a lab process as tracer.
 */
class WitnessTest {
    static final int SIGCHLD = 17;

    static List<Path> witnessLabs() throws Exception {
        Path dir = Path.of(WitnessTest.class.getResource("/witness").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The lab's text with a pid-namespace sandbox of its own. */
    static String sandboxed(String text) {
        return text.replaceFirst("(?m)^steps:", "sandbox: {pid_namespace: true}\nsteps:");
    }

    @Test
    void noSignalOrPtraceReachesAProcessOutsideTheLab(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux() && Posix.euid() == 0, "tracefs needs root");
        Process canary = new ProcessBuilder("sleep", "600").start();
        Set<Long> wanted = new HashSet<>(); // host pids the labs signalled on purpose: the witness must see them
        Set<Long> jvm = jvmThreads();
        List<String> verdicts = new ArrayList<>(); // labs whose rows did not all agree: checked after the trace
        try (SignalWitness w = SignalWitness.start()) {
            Path agent = Path.of(System.getProperty("proclab.agent", "target/cmake/bin/proclab-agent"));
            for (Path lab : witnessLabs()) {
                String text = Files.readString(lab);
                for (String variant : List.of(text, sandboxed(text))) {
                    Path file = dir.resolve(lab.getFileName());
                    Files.writeString(file, variant);
                    // stepwise on the real kernel, looking at every process's tracer after each step
                    Lab parsed = LabParser.parseFile(file);
                    try (RealKernel real = new RealKernel(agent)) {
                        real.begin(parsed.sandbox());
                        for (Step step : parsed.steps()) {
                            try {
                                real.apply(step);
                            } catch (dev.proclab.kernel.KernelException e) {
                                verdicts.add(lab + " step at line " + step.pos().line() + ": " + e.getMessage());
                                break;
                            }
                            assertNoOutsiderTraced(real.agentPid(), canary.pid(), lab + " after " + step.action() + " at line " + step.pos().line());
                            if (step instanceof Step.Signal s && s.sig().equals("SIGSTOP")) {
                                Long host = real.names().hostPid(s.to());
                                if (host != null) wanted.add(host);
                            }
                        }
                    }
                    // and whole, model against kernel: the kernel's own answers (ESRCH, ECHILD) on both
                    Cli r = Cli.run("run", "--file", file.toString(), "--no-color");
                    if (r.exit() != 0) verdicts.add(lab + "\n" + r.out() + r.err());
                }
            }
            jvm.addAll(jvmThreads());
            SignalWitness.Record rec = w.read(jvm);
            assertEquals(0, rec.lost(), "the trace lost events: it could not witness all");
            assertTrue(rec.labPids().size() > 300, "the trace saw the labs' processes: " + rec.labPids().size());
            List<SignalWitness.Signal> sent = rec.sentByLabs().stream().filter(s -> s.from() != canary.pid()).toList();
            for (SignalWitness.Signal s : sent) {
                boolean toLab = rec.labPids().contains(s.to()) && s.to() != canary.pid();
                // an agent's exit, told to the JVM thread that started it (SIGCHLD goes to the parent task)
                boolean agentsEnd = jvm.contains(s.to()) && s.sig() == SIGCHLD;
                assertTrue(toLab || agentsEnd, "a lab process or its agent sent " + s + " to a process outside every lab");
            }
            for (SignalWitness.Signal s : rec.signals()) assertTrue(s.to() != canary.pid(), "the canary got " + s);
            for (long p : wanted) {
                assertTrue(sent.stream().anyMatch(s -> s.to() == p && s.sig() == 19), "the witness saw the SIGSTOP sent to " + p);
            }
            assertTrue(canary.isAlive(), "the canary lives");
            assertEquals(0, tracerOf(canary.pid()), "the canary was never traced");
            assertEquals(List.of(), verdicts, "model and kernel agree on every row");
        } finally {
            canary.destroyForcibly().waitFor();
        }
    }

    /** No process outside the lab (the agent's tree) has a tracer inside it; the canary has none at all. */
    static void assertNoOutsiderTraced(long agentPid, long canary, String when) throws Exception {
        ProcessTable t = ProcessTable.scan();
        Set<Long> lab = new HashSet<>(t.descendants(agentPid));
        lab.add(agentPid);
        List<String> bad = new ArrayList<>();
        for (var st : t.all()) {
            long tracer = tracerOf(st.pid());
            if (tracer != 0 && lab.contains(tracer) && !lab.contains(st.pid())) bad.add(st.pid() + " " + st.comm() + " traced by " + tracer);
        }
        assertEquals(List.of(), bad, when);
        assertEquals(0, tracerOf(canary), when + ": the canary was traced");
    }

    /** The tasks of this JVM (a child's SIGCHLD goes to the thread that made it). */
    static Set<Long> jvmThreads() throws java.io.IOException {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            s.forEach(p -> out.add(Long.parseLong(p.getFileName().toString())));
        }
        return out;
    }

    static long tracerOf(long pid) {
        try {
            long v = ProcStatus.parse(ProcFiles.read(ProcPaths.status(pid))).number("TracerPid");
            return Math.max(v, 0);
        } catch (Exception e) {
            return 0; // gone meanwhile
        }
    }
}
