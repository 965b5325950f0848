package dev.proclab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.cli.Cli;
import dev.proclab.posix.Posix;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `proclab bench fork-cost` on this machine's kernel, over 0-512 MiB: the shape rules hold (fork's
 * cost linear in the memory written, vfork, clone(CLONE_VM) and posix_spawn flat), the figures come
 * out in order, no child is left, and the page's plot (JFreeChart's SVG) renders in a real browser.
 * It checks shapes, never a time.
 */
class ForkCostBenchTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /**
     * Above this, others' processes had the CPUs for much of the run, and a time says more about them than about
     * fork: at 20% a 0-64 MiB sweep came out bent (R² 0.91); the quiet runs of docs/performance.md had 5-10%.
     */
    private static final double MAX_CPU_PRESSURE_PCT = 10;

    @Test
    void theShapeRulesHoldOnASmallRange(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "the benchmark needs the real kernel");
        Path html = dir.resolve("fork-cost.html");
        // 0-512 MiB: posix_spawn costs about 100 µs more from 64 MiB on than at 0, then stays there (a
        // step, not a slope: 295, 440, 463 µs at 0, 64, 128 MiB; 344, 427, 426 at 0, 256, 512); over
        // 0-128 MiB that step read as 10-15% of fork's slope, over 0-512 MiB it is under 1%
        Cli r = Cli.run("bench", "fork-cost", "--max-mib", "512", "--points", "3", "--reps", "15", "--rounds", "5",
                "--json", "--html", html.toString());
        assertTrue(r.exit() == 0 || r.exit() == 1, "ran to its verdict: " + r.exit() + " " + r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        List<String> figures = new ArrayList<>();
        doc.path("figures").fieldNames().forEachRemaining(figures::add);
        assertEquals(List.of("fork_us_per_mib", "fork_r2", "vfork_us_per_mib", "clone_vm_us_per_mib", "posix_spawn_us_per_mib",
                "plain_c_fork_us_per_mib", "slope_ratio"), figures);
        assertEquals(3, doc.path("points").size());
        assertEquals(512, doc.path("points").get(2).path("mib").asLong());
        assertEquals(1032, doc.path("points").get(2).path("model_fork_copies_pte_kb").asLong()
                - doc.path("points").get(0).path("model_fork_copies_pte_kb").asLong());

        assertEquals(0, ProcessHandle.current().descendants().count(), "every child of the benchmark is reaped");

        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg") && page.contains("What fork costs"));
        assertTrue(page.contains("plain C fork()") && page.contains("clone(CLONE_VM)"), "every series is in the legend");
        assertTrue(!page.contains("src=\"http") && !page.contains("href=\"http"), "self-contained: nothing fetched");

        // the shapes, from times: judged only when the machine let the benchmark have its CPUs
        List<String> broken = shapesBroken(doc);
        if (!broken.isEmpty()) {
            // a second, independent run before a verdict: in the full suite a disturbance sometimes held
            // through most rounds at one size (vfork 16 -> 47 -> 17 µs and posix_spawn 278 -> 515 -> 453 µs
            // over 0, 64, 128 MiB, at 4% CPU pressure, the control agreeing); alone, 12 runs gave posix_spawn
            // -1..3.3% of fork's slope. A shape that is really broken is broken in both runs.
            Cli again = Cli.run("bench", "fork-cost", "--max-mib", "512", "--points", "3", "--reps", "15", "--rounds", "5", "--json");
            assertTrue(again.exit() == 0 || again.exit() == 1, "ran to its verdict: " + again.exit() + " " + again.err());
            List<String> twice = shapesBroken(new ObjectMapper().readTree(again.out()));
            assertEquals(List.of(), twice, "the shapes did not hold in two runs; the first: " + broken + "\n" + r.out() + "\nthe second:\n" + again.out());
        }
    }

    /** The shapes that did not hold in one run's document (none when the run cannot be judged: a skip says why). */
    private static List<String> shapesBroken(JsonNode doc) {
        JsonNode pressure = doc.path("noise").path("cpu_pressure_pct");
        assumeTrue(pressure.isMissingNode() || pressure.isNull() || pressure.asDouble() <= MAX_CPU_PRESSURE_PCT,
                "the machine was too busy to time anything: for " + pressure.asDouble() + "% of the run some task waited for a CPU"
                + " (PSI); the shapes are not judged");
        // the plain C loop runs in lockstep as the control: a fork slope that does not match it says the
        // run was disturbed (memory, not only CPU: 1259 µs for the loop against 803 for fork at 64 MiB once)
        for (JsonNode v : doc.path("verdicts")) {
            if (v.path("call").asText().equals("fork vs plain C loop")) {
                assumeTrue(v.path("holds").asBoolean(), "the control disagreed (" + v.path("measured").asText()
                        + "): the machine disturbed the run, the shapes are not judged");
            }
        }
        List<String> shapes = new ArrayList<>(), broken = new ArrayList<>();
        for (JsonNode v : doc.path("verdicts")) {
            String call = v.path("call").asText();
            if (List.of("fork", "vfork", "clone_vm", "posix_spawn").contains(call)) {
                shapes.add(call + " " + v.path("model").asText());
                if (!v.path("holds").asBoolean()) broken.add(call + " is " + v.path("model").asText() + ": " + v.path("measured").asText());
            }
        }
        assertEquals(List.of("fork linear", "vfork flat", "clone_vm flat", "posix_spawn flat"), shapes);
        return broken;
    }

    /** The page's plot in a real browser: a separate test, so a busy machine's skip above does not skip it. */
    @Test
    void thePlotRendersInABrowser(@TempDir Path dir) throws Exception {
        assumeTrue(Posix.isLinux(), "the benchmark needs the real kernel");
        Path html = dir.resolve("fork-cost.html");
        Cli r = Cli.run("bench", "fork-cost", "--max-mib", "16", "--points", "3", "--reps", "3", "--rounds", "1", "--html", html.toString());
        assertTrue(r.exit() == 0 || r.exit() == 1, "ran to its verdict: " + r.exit() + " " + r.err());
        assertTrue(r.out().lines().reduce((a, b) -> b).orElse("").startsWith("HTML report: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("slope_ratio ")), r.out());
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (Debian: apt-get install chromium)");
        Path png = dir.resolve("shot.png");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1100,900", "--screenshot=" + png, html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("chromium did not finish: " + Files.readString(dir.resolve("chromium.log")));
        }
        BufferedImage img = ImageIO.read(png.toFile());
        long forkRed = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if (near(img.getRGB(x, y) & 0xffffff, 0xc62828)) forkRed++;
        }
        assertTrue(forkRed > 300, "fork's line is drawn in its red: " + forkRed + " pixels");
    }

    private static boolean near(int rgb, int want) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((want >> shift) & 0xff)) > 10) return false;
        }
        return true;
    }
}
