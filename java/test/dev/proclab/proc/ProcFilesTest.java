package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcFilesTest {
    @Test
    void readsASysctlWhole() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of(ProcPaths.PID_MAX)), "no /proc/sys here");
        Long pidMax = ProcFiles.readLong(ProcPaths.PID_MAX);
        assertNotNull(pidMax);
        // pid_max is at least PID_MAX_MIN (301): a one-byte read would give a single digit
        assertTrue(pidMax >= 301 && pidMax <= 4 * 1024 * 1024, "pid_max read as " + pidMax);
        String viaShell = new String(new ProcessBuilder("cat", ProcPaths.PID_MAX).start().getInputStream().readAllBytes()).trim();
        assertEquals(Long.parseLong(viaShell), pidMax);
    }

    @Test
    void readsLargeFilesWhole() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "no /proc here");
        String maps = ProcFiles.read("/proc/self/maps");
        assertTrue(maps.lines().count() > 50, "a JVM maps many regions");
        assertTrue(maps.endsWith("\n"));
    }

    @Test
    void aMissingFileIsNull() {
        assertNull(ProcFiles.readLong("/proc/no/such/file"));
    }
}
