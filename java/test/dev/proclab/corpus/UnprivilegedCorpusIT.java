package dev.proclab.corpus;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus run by an ordinary user (uid 65534 through setpriv when we are root) with the shipped
 * jar: every lab runs to its end; a real side that cannot run here is skipped with the capability
 * it needs; nothing ends in exit 3 or an exception; and what runs agrees with the model.
 */
class UnprivilegedCorpusIT {
    private static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path dir;

    @Test
    void everyLabRunsToItsEndAsAnOrdinaryUser() throws Exception {
        assumeTrue(Posix.isLinux(), "Linux only");
        String prop = System.getProperty("proclab.jar");
        assumeTrue(prop != null && Files.isRegularFile(Path.of(prop)), "the shipped jar (mvn verify builds it): " + prop);
        // a copy an ordinary user can read: the jar and the labs
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = dir.resolve("proclab.jar");
        Files.copy(Path.of(prop), jar, StandardCopyOption.REPLACE_EXISTING);
        Path labs = Files.createDirectory(dir.resolve("corpus"));
        Files.setPosixFilePermissions(labs, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>();
        if (Posix.euid() == 0) {
            assumeTrue(Files.isExecutable(SETPRIV), "no setpriv to become an ordinary user");
            // an ordinary user's environment: no PATH entries under /root it could not search
            cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/nonexistent", "COLUMNS=200"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "run", "--no-color"));
        List<Path> corpus = Corpus.labs();
        for (Path lab : corpus) {
            Path copy = labs.resolve(lab.getFileName());
            Files.copy(lab, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            cmd.add("--file");
            cmd.add(copy.toString());
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the run finished");
        } finally {
            p.destroyForcibly();
        }
        assertFalse(out.contains("Exception"), out);
        assertFalse(out.contains("real side stopped"), "no real side stops half-way\n" + out);
        assertFalse(java.util.regex.Pattern.compile("(?m)^\\s*failed: ").matcher(out).find(), "every lab runs to its end\n" + out);
        Map<String, String> summaries = Corpus.summaries(out);
        for (Path lab : corpus) {
            String line = summaries.get(Corpus.id(lab));
            assertTrue(line != null && !line.endsWith("FAILED"), Corpus.id(lab) + " ran to its end: " + line + "\n" + out);
        }
        List<String> skipped = Corpus.realSkipped(out);
        for (String why : skipped) Corpus.assertNamesAMissingCapability(why, null);
        if (Posix.euid() == 0) assertFalse(skipped.isEmpty(), "uid 65534 lacks some capability the corpus needs (setuid, cgroup-pids)\n" + out);
        assertEquals(0, p.exitValue(), "every row agrees, or its real side is skipped for a reason\n" + out);
    }
}
