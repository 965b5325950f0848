package dev.proclab.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.posix.Posix;
import dev.proclab.proc.ProcessTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness over a fuzz campaign (issue 14): the shipped jar's {@code proclab fuzz} runs generated
 * labs (signals, ptrace, waits, nested pid and user namespaces, sandboxes or none) on this kernel,
 * as root and as an ordinary user, while this JVM traces signal_generate in a tracefs instance of
 * its own and samples every process's tracer. Across the whole campaign no signal of a lab process
 * or agent may reach a process outside the campaign's tree, the canary gets nothing, and no
 * process outside the tree ever has a tracer inside it.
 */
class WitnessFuzzIT {
    private static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final int SCENARIOS = 48;

    @Test
    void aCampaignAsRootReachesNothingOutside(@TempDir Path dir) throws Exception {
        campaign(dir, false, 71_000);
    }

    @Test
    void aCampaignAsAnOrdinaryUserReachesNothingOutside(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(SETPRIV), "no setpriv");
        campaign(dir, true, 72_000);
    }

    private static void campaign(Path dir, boolean asNobody, long seed) throws Exception {
        assumeTrue(Posix.isLinux() && Posix.euid() == 0, "the witness traces as root");
        String prop = System.getProperty("proclab.jar");
        assumeTrue(prop != null && Files.isRegularFile(Path.of(prop)), "proclab.jar is set by failsafe (mvn verify)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path jar = dir.resolve("proclab.jar");
        Files.copy(Path.of(prop), jar, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path out = dir.resolve("findings");
        Process canary = new ProcessBuilder("sleep", "600").start();
        Set<Long> jvm = WitnessTest.jvmThreads();
        // (traced pid, its tracer) as sampled while the campaign runs
        Set<List<Long>> traced = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                try {
                    for (var st : ProcessTable.scan().all()) {
                        long tracer = WitnessTest.tracerOf(st.pid());
                        if (tracer != 0) traced.add(List.of(st.pid(), tracer));
                    }
                    Thread.sleep(5);
                } catch (Exception e) {
                    // a process that went while it was read: the next sample sees the rest
                }
            }
        }, "witness-sampler");
        try (SignalWitness w = SignalWitness.start()) {
            sampler.start();
            List<String> cmd = new ArrayList<>();
            if (asNobody) {
                cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "env", "HOME=/nonexistent"));
            }
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "fuzz",
                    "--seed", Long.toString(seed), "--count", Integer.toString(SCENARIOS), "--no-shrink", "--json", "--out", out.toString()));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the campaign finished");
            running.set(false);
            sampler.join(2000);
            JsonNode sum = new ObjectMapper().readTree(json);
            assertEquals(SCENARIOS, sum.path("scenarios").asInt(), json);
            assertTrue(sum.path("scenarios").asInt() - sum.path("real_skipped").asInt() >= SCENARIOS / 2,
                    "most scenarios ran on the real kernel: " + json);
            jvm.addAll(WitnessTest.jvmThreads());
            SignalWitness.Record rec = w.read(jvm);
            assertEquals(0, rec.lost(), "the trace lost events: it could not witness all");
            assertTrue(rec.labPids().size() > 5 * SCENARIOS, "the trace saw the campaign's processes: " + rec.labPids().size());
            long labSignals = 0;
            for (SignalWitness.Signal s : rec.sentByLabs()) {
                if (s.from() == canary.pid()) continue;
                boolean toLab = rec.labPids().contains(s.to()) && s.to() != canary.pid();
                // the campaign's own end, told to the JVM thread that started it
                boolean campaignsEnd = jvm.contains(s.to()) && s.sig() == WitnessTest.SIGCHLD;
                assertTrue(toLab || campaignsEnd, "a process of the campaign sent " + s + " to a process outside it");
                if (toLab && s.sig() != WitnessTest.SIGCHLD) labSignals++;
            }
            assertTrue(labSignals > SCENARIOS, "the labs signalled each other, and the witness saw it: " + labSignals);
            for (SignalWitness.Signal s : rec.signals()) assertTrue(s.to() != canary.pid(), "the canary got " + s);
            for (List<Long> t : traced) {
                if (rec.labPids().contains(t.get(1))) {
                    assertTrue(rec.labPids().contains(t.get(0)), "process " + t.get(0) + " outside the campaign was traced by " + t.get(1));
                }
            }
            assertTrue(canary.isAlive(), "the canary lives");
            assertTrue(traced.stream().noneMatch(t -> t.get(0) == canary.pid()), "the canary was never traced");
        } finally {
            running.set(false);
            canary.destroyForcibly().waitFor();
        }
    }
}
