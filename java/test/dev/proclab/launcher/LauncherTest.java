package dev.proclab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./proclab launcher, run for real by bash in a checkout of its own whose `mvn` is a stand-in
 * (it counts its builds, takes a while, and puts the jar this build made in place): concurrent first
 * runs build once, editing a lab needs no build, and a checkout without Maven runs the jar it has.
 */
class LauncherTest {
    @TempDir
    Path dir;
    private Path checkout, bin, tools, builds;

    @BeforeEach
    void checkout() throws Exception {
        String home = System.getProperty("proclab.home", ".");
        Path jar = Path.of(home, "target", "proclab.jar");
        assumeTrue(Files.isRegularFile(jar), "needs the built jar (mvn package)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "needs flock (util-linux)");
        checkout = dir.resolve("proclab");
        for (String d : List.of("java/main", "native", "labs")) Files.createDirectories(checkout.resolve(d));
        Files.copy(Path.of(home, "proclab"), checkout.resolve("proclab"));
        for (String f : List.of("pom.xml", "CMakeLists.txt")) Files.writeString(checkout.resolve(f), "x");
        Files.copy(Path.of(home, "labs", "zombie.yaml"), checkout.resolve("labs/zombie.yaml"));
        bin = Files.createDirectories(dir.resolve("bin"));
        builds = dir.resolve("builds");
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho build >> " + builds + "\nsleep 2\nmkdir -p target\ncp " + jar.toAbsolutePath() + " target/proclab.jar\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        // what the launcher uses, without the machine's own Maven
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String t : List.of("bash", "sh", "find", "dirname", "readlink", "mkdir", "flock", "mktemp", "cat", "rm", "cp", "sleep")) {
            for (String d : List.of("/usr/bin/", "/bin/")) {
                if (Files.isExecutable(Path.of(d + t))) {
                    Files.createSymbolicLink(tools.resolve(t), Path.of(d + t));
                    break;
                }
            }
        }
    }

    private Process launch(boolean withMaven, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tools.resolve("bash").toString(), checkout.resolve("proclab").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String java = Path.of(System.getProperty("java.home"), "bin").toString();
        pb.environment().put("PATH", (withMaven ? bin + ":" : "") + java + ":" + tools);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private long builds() throws Exception {
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    @Test
    void concurrentFirstRunsBuildOnce() throws Exception {
        Process a = launch(true, "run", "zombie", "--model-only"), b = launch(true, "run", "zombie", "--model-only");
        String oa = finish(a), ob = finish(b);
        assertTrue(oa.contains("zombie:") && ob.contains("zombie:"), oa + ob);
        assertEquals(1, builds(), "one build for two first runs");
    }

    @Test
    void editingALabNeedsNoBuildAndIsSeen() throws Exception {
        finish(launch(true, "labs"));
        assertEquals(1, builds());
        Path lab = checkout.resolve("labs/zombie.yaml");
        Files.writeString(lab, Files.readString(lab).replace("exit() leaves a zombie", "EDITED exit() leaves a zombie"));
        Files.setLastModifiedTime(lab, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        String out = finish(launch(true, "show", "zombie"));
        assertTrue(out.contains("EDITED exit() leaves a zombie"), out);
        assertEquals(1, builds(), "a lab is read at run time, not built");
    }

    @Test
    void withoutMavenTheJarItHasRuns() throws Exception {
        finish(launch(true, "labs"));
        Path src = checkout.resolve("java/main/Changed.java");
        Files.writeString(src, "class Changed {}");
        Files.setLastModifiedTime(src, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        String out = finish(launch(false, "run", "zombie", "--model-only"));
        assertTrue(out.contains("is run as it is"), out);
        assertTrue(out.contains("zombie:"), out);
        assertEquals(1, builds());
    }
}
