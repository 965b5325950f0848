package dev.proclab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.cli.Cli;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report opened in a real headless Chromium: it renders, and the process trees are drawn. */
class HtmlReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void theReportShowsTheTreesInARealBrowser(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Cli run = Cli.run("run", "zombie", "states", "--html", html.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("What state is the child in after it exits"), "the lab's questions are on the page");
        assertTrue(count(page, "<svg ") >= 2 * 3, "a tree per kernel at each of zombie's three observes");
        assertTrue(page.contains("Z zombie"), "zombies are visibly zombies");
        assertTrue(page.contains("class=\"node sZ\""));
        assertTrue(page.contains("t traced") && page.contains("D uninterruptible"), "states lab shows t and D");
        assertTrue(!page.contains("src=\"http") && !page.contains("href=\"http"), "self-contained: nothing fetched");

        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (Debian: apt-get install chromium)");
        Path png = dir.resolve("shot.png");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1200,1600",
                "--screenshot=" + png, html.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("chromium did not finish: " + Files.readString(dir.resolve("chromium.log")));
        }
        assertTrue(Files.size(png) > 0, "chromium wrote no screenshot: " + Files.readString(dir.resolve("chromium.log")));
        BufferedImage img = ImageIO.read(png.toFile());
        long nonWhite = 0, zombieGrey = 0, matchGreen = 0, total = (long) img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff && rgb != 0xf6f7f9) nonWhite++;
                if (near(rgb, 0xbdbdbd)) zombieGrey++;
                if (near(rgb, 0x2e7d32)) matchGreen++;
            }
        }
        assertTrue(nonWhite > total / 20, "the page is not blank: " + nonWhite + " of " + total + " pixels drawn");
        assertTrue(zombieGrey > 500, "zombie nodes are drawn in their grey: " + zombieGrey + " pixels");
        assertTrue(matchGreen > 200, "match badges are drawn: " + matchGreen + " pixels");
    }

    private static boolean near(int rgb, int want) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((want >> shift) & 0xff)) > 6) return false;
        }
        return true;
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
