package dev.proclab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.cli.Cli;
import dev.proclab.kernel.TaskView;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real headless Chromium: a student clicks through a lab's steps and sees, for
 * each, its rows and both kernels' trees drawn alike (the agent one labelled box in both).
 */
class HtmlReportBrowserTest {
    @Test
    void clickingThroughTheStepsShowsEachStepsTreesAndRows(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Cli run = Cli.run("run", "zombie", "states", "--html", html.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("What state is the child in after it exits"), "the lab's questions are on the page");
        assertEquals(2 * (6 + 23), count(page, "<svg "), "one tree per kernel per step, no more");
        assertEquals(2 * (6 + 23), count(page, "class=\"agentlabel\""), "the agent is one labelled box in every tree");
        Matcher svg = Pattern.compile("<svg .*?</svg>").matcher(page);
        while (svg.find()) {
            String t = svg.group();
            assertFalse(t.contains(">agent<") || t.contains("class=\"ghost\"") || t.contains(">9<") || t.contains("agent pid"),
                    "no agent node and no parent of the agent's in any tree: " + t);
        }
        assertTrue(page.contains("Z zombie") && page.contains("class=\"node sZ\""), "zombies are visibly zombies");
        assertTrue(page.contains("t traced") && page.contains("D uninterruptible"), "states lab shows t and D");
        assertTrue(!page.contains("src=\"http") && !page.contains("href=\"http"), "self-contained: nothing fetched");

        assumeTrue(Files.isExecutable(Chromium.BINARY), "no Chromium at " + Chromium.BINARY + " (Debian: apt-get install chromium)");
        try (Chromium c = Chromium.open(dir.resolve("profile"), html.toUri().toString())) {
            String lab = "#lab-zombie ";
            waitFor(c, "document.readyState === 'complete' && !!document.querySelector('" + lab + ".stepper')");
            assertEquals("step 1 of 6", c.eval("document.querySelector('" + lab + ".pos').textContent").asText());
            assertEquals(1, visibleViews(c, lab));
            c.click(lab + ".next");
            c.click(lab + ".next");
            assertEquals("step 3 of 6", c.eval("document.querySelector('" + lab + ".pos').textContent").asText());
            String view = lab + ".step-view:not([hidden]) ";
            assertEquals(1, visibleViews(c, lab));
            assertTrue(c.eval("document.querySelector('" + view + "h4').textContent").asText().startsWith("Step 3 of 6: observe"));
            String rows = c.eval("document.querySelector('" + view + "table').innerText").asText();
            assertTrue(rows.contains("state") && rows.contains("Z") && rows.contains("match"), rows);
            for (String k : List.of("model", "real")) {
                String tree = c.eval("document.querySelector('" + view + "figure." + k + " svg').textContent").asText();
                assertTrue(tree.contains("kid") && tree.contains("Z zombie") && tree.contains("agent (proclab-agent)"), k + ": " + tree);
            }
            c.click(lab + "ol.steps li[data-step=\"6\"]");
            assertEquals("step 6 of 6", c.eval("document.querySelector('" + lab + ".pos').textContent").asText());
            String gone = c.eval("document.querySelector('" + view + "figure.real svg').textContent").asText();
            assertFalse(gone.contains("kid"), "after the wait, kid is gone from the real tree: " + gone);
            c.click(lab + ".prev");
            assertEquals("step 5 of 6", c.eval("document.querySelector('" + lab + ".pos').textContent").asText());
            assertTrue(c.eval("document.querySelector('" + view + "table').innerText").asText().contains("wait"));

            c.click(lab + "ol.steps li[data-step=\"2\"]");
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(c.screenshot()));
            Files.write(dir.resolve("shot.png"), c.screenshot());
            long zombieGrey = 0, nonWhite = 0, total = (long) img.getWidth() * img.getHeight();
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int rgb = img.getRGB(x, y) & 0xffffff;
                    if (rgb != 0xffffff && rgb != 0xf6f7f9) nonWhite++;
                    if (near(rgb, 0xbdbdbd)) zombieGrey++;
                }
            }
            assertTrue(nonWhite > total / 20, "the page is drawn: " + nonWhite + " of " + total);
            assertTrue(zombieGrey > 500, "after the exit step both trees show the zombie in its grey: " + zombieGrey);
        }
    }

    @Test
    void twoHundredChildrenCollapseIntoASummary() {
        List<TaskView> tasks = new ArrayList<>(List.of(new TaskView("agent", 10, "9", "R", 1), new TaskView("main", 11, "agent", "S", 1)));
        for (int i = 0; i < 200; i++) tasks.add(new TaskView("w" + i, 12 + i, "main", i < 150 ? "Z" : "S", 1));
        String svg = HtmlReport.svg(tasks, false);
        assertEquals(1 + HtmlReport.SHOWN_CHILDREN, count(svg, "class=\"node "), "main and the first children are drawn");
        assertTrue(svg.contains("+192 more: 42 S 150 Z") || svg.contains("+192 more: 50 S 142 Z"), svg.substring(0, Math.min(400, svg.length())));
        assertTrue(svg.length() < 20_000, "a small picture: " + svg.length());
    }

    private static int visibleViews(Chromium c, String lab) throws Exception {
        return c.eval("document.querySelectorAll('" + lab + ".step-view:not([hidden])').length").asInt();
    }

    private static void waitFor(Chromium c, String js) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (c.eval(js).asBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("never true: " + js);
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
