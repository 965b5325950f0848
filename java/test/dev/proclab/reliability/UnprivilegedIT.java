package dev.proclab.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.kernel.Capability;
import dev.proclab.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar run by an ordinary user (uid 65534 through setpriv when we are root): every lab
 * runs, or skips its real side naming the missing capability; none crashes; the model always runs.
 */
class UnprivilegedIT {
    private static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    static Path dir;
    private static Path jar;

    @BeforeAll
    static void copyTheJarWhereAnyoneCanReadIt() throws Exception {
        assumeTrue(Posix.isLinux(), "Linux only");
        String prop = System.getProperty("proclab.jar");
        assumeTrue(prop != null, "proclab.jar is set by failsafe (mvn verify)");
        Path built = Path.of(prop);
        assumeTrue(Files.isRegularFile(built), "no jar at " + built + " (run through mvn verify)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = dir.resolve("proclab.jar");
        Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Runs the jar as an unprivileged user; as ourselves when we are not root already. */
    private static Result asUser(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (Posix.euid() == 0) {
            assumeTrue(Files.isExecutable(SETPRIV), "no setpriv to become an ordinary user");
            cmd.addAll(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "env", "HOME=/nonexistent"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String out) {}

    @Test
    void everyLabRunsOrSaysWhichCapabilityIsMissing() throws Exception {
        Result r = asUser("run", "--all", "--no-color");
        assertEquals(0, r.exit(), r.out());
        assertFalse(r.out().contains("Exception"), r.out());
        Matcher summary = Pattern.compile("(?m)^  ([a-z-]+): \\d+ match").matcher(r.out());
        int labs = 0;
        while (summary.find()) labs++;
        assertTrue(labs >= 16, "the model ran every lab: " + labs + "\n" + r.out());
        Matcher skipped = Pattern.compile("(?m)^real side skipped: (.*)$").matcher(r.out());
        while (skipped.find()) {
            String why = skipped.group(1);
            assertTrue(why.startsWith("needs "), why);
            String cap = why.substring(6, why.indexOf(':'));
            assertTrue(Capability.byId(cap) != null, "names a capability: " + why);
        }
        if (Posix.euid() == 0) assertTrue(r.out().contains("real side skipped: needs slabinfo"), "uid 65534 cannot read slabinfo\n" + r.out());
    }

    /** proclab watch as an ordinary user: through the proc connector when the kernel lets users listen, and through /proc. */
    @Test
    void watchShowsTheZombieAndItsReapAsAnOrdinaryUser() throws Exception {
        Path waitpid = Path.of(System.getProperty("proclab.home", "."), "target", "cmake", "bin", "waitpid");
        assumeTrue(Files.isExecutable(waitpid), "the slides' waitpid is built by CMake: " + waitpid);
        for (String source : List.of("auto", "proc")) {
            Result r = asUser("watch", "--json", "--source", source, "--", waitpid.toString(), "1");
            assertEquals(0, r.exit(), source + ": " + r.out());
            Matcher exit = Pattern.compile("\\{\"t_us\":\\d+,\"event\":\"exit\",\"pid\":(\\d+),\"ppid\":\\d+,\"state\":\"Z\",\"status\":256,\"code\":1}").matcher(r.out());
            assertTrue(exit.find(), source + ": an exit to a zombie with status 256\n" + r.out());
            Matcher reap = Pattern.compile("\"event\":\"reap\",\"pid\":" + exit.group(1) + ",\"ppid\":\\d+,\"status\":256,\"code\":1,\"zombie_us\":(\\d+)").matcher(r.out());
            assertTrue(reap.find(), source + ": its reap\n" + r.out());
            assertTrue(Long.parseLong(reap.group(1)) >= 950_000, source + ": a zombie for the parent's sleep: " + reap.group(1));
            if (source.equals("proc")) assertTrue(r.out().contains("This may miss"), r.out());
        }
    }

    @Test
    void doctorSaysWhatAnOrdinaryUserMayDo() throws Exception {
        Result r = asUser("doctor", "--no-color");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("root:           no"), r.out());
        for (Capability c : Capability.values()) assertTrue(r.out().contains(c.id() + ":"), c.id());
    }
}
