package dev.proclab.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness of WitnessTest for an ordinary user: the shipped jar runs the witness labs as uid
 * 65534 (through setpriv), with and without a sandbox (a user namespace of the lab's own), while
 * this JVM, root, traces signal_generate. No signal of theirs may reach a process outside the labs,
 * nor the canary.
 */
class WitnessIT {
    private static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @Test
    void anOrdinaryUsersLabsReachNothingOutside(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux() && Posix.euid() == 0, "the witness traces as root, the labs run as uid " + NOBODY);
        assumeTrue(Files.isExecutable(SETPRIV), "no setpriv");
        String prop = System.getProperty("proclab.jar");
        assumeTrue(prop != null && Files.isRegularFile(Path.of(prop)), "proclab.jar is set by failsafe (mvn verify)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = dir.resolve("proclab.jar");
        Files.copy(Path.of(prop), jar, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Process canary = new ProcessBuilder("sleep", "600").start();
        Set<Long> jvm = WitnessTest.jvmThreads();
        try (SignalWitness w = SignalWitness.start()) {
            List<String> outputs = new ArrayList<>();
            for (Path lab : WitnessTest.witnessLabs()) {
                String text = Files.readString(lab);
                for (String variant : List.of(text, WitnessTest.sandboxed(text))) {
                    Path file = dir.resolve(lab.getFileName());
                    Files.writeString(file, variant);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                    Process p = new ProcessBuilder(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                            "env", "HOME=/nonexistent", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-jar", jar.toString(), "run", "--file", file.toString(), "--no-color")
                            .directory(dir.toFile()).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
                    // rows may differ for an ordinary user, but the run never breaks
                    assertTrue(p.exitValue() == 0 || p.exitValue() == 1, lab + " as uid " + NOBODY + ": exit " + p.exitValue() + "\n" + out);
                    assertFalse(out.contains("Exception"), out);
                    outputs.add(out);
                }
            }
            jvm.addAll(WitnessTest.jvmThreads());
            SignalWitness.Record rec = w.read(jvm);
            assertEquals(0, rec.lost(), "the trace lost events");
            assertTrue(rec.labPids().size() > 300, "the trace saw the labs' processes: " + rec.labPids().size());
            for (SignalWitness.Signal s : rec.sentByLabs()) {
                if (s.from() == canary.pid()) continue;
                boolean toLab = rec.labPids().contains(s.to()) && s.to() != canary.pid();
                assertTrue(toLab || jvm.contains(s.to()) && s.sig() == WitnessTest.SIGCHLD,
                        "a process of the labs sent " + s + " to a process outside them");
            }
            for (SignalWitness.Signal s : rec.signals()) assertTrue(s.to() != canary.pid(), "the canary got " + s);
            assertTrue(outputs.stream().anyMatch(o -> o.contains("OK")), "some lab ran through");
            assertTrue(canary.isAlive(), "the canary lives");
        } finally {
            canary.destroyForcibly().waitFor();
        }
    }
}
