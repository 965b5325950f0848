package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** run --step: the lab stands still after each step, really, as ps on this machine shows it. */
class StepThroughTest {
    private static final String PROMPT = "Enter: next step · r: run to the end · q: stop and clean up > ";

    @Test
    void stoppedAfterTheExitStepPsShowsTheChildAsAZombieOfMainAndQLeavesNothing() throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        try (LiveCli cli = LiveCli.start(Map.of(), "run", "zombie", "--step", "--no-color")) {
            String out = cli.await(PROMPT, 1, 60);
            assertTrue(out.contains("── step 1 of 6: fork:    {proc: main, child: kid}"), out);
            cli.type("");
            out = cli.await(PROMPT, 2, 60);
            String stop = out.substring(out.indexOf("── step 2 of 6: exit:"));
            long main = pid(stop, "main"), kid = pid(stop, "kid"), agent = ppid(stop, "main");
            assertEquals(main, ppid(stop, "kid"), stop);
            assertTrue(stop.contains("ps -o pid,ppid,stat,wchan:20,args -p " + main + "," + kid), stop);
            assertTrue(stop.contains("cat /proc/" + kid + "/status"), stop);
            assertTrue(stop.contains("In the lab's pid namespace main is 1, kid is 2."), stop);

            // what ps itself says, now, while the lab is stopped
            String ps = run("ps", "-o", "pid=,ppid=,stat=,args=", "-p", String.valueOf(kid)).strip();
            String[] f = ps.split("\\s+", 4);
            assertEquals(String.valueOf(kid), f[0], ps);
            assertEquals(String.valueOf(main), f[1], "its parent is main: " + ps);
            assertTrue(f[2].startsWith("Z"), "state Z: " + ps);
            assertTrue(f[3].endsWith("<defunct>"), "ps marks it <defunct>: " + ps);
            assertTrue(stop.contains("Z <defunct>"), "proclab shows it as ps does: " + stop);
            assertTrue(run("ps", "-o", "stat=", "-p", String.valueOf(main)).strip().startsWith("S"), "main sleeps in its command loop");

            cli.type("q");
            assertEquals(0, cli.finish(60), cli.output());
            assertTrue(cli.output().contains("Stopped after step 2 of zombie; every process of the lab is gone."), cli.output());
            for (long p : List.of(main, kid, agent)) assertFalse(Files.exists(Path.of("/proc/" + p)), "pid " + p + " left behind\n" + cli.output());
        }
    }

    /** As the command: printf '\n\n' | proclab run zombie --step. The end of the input stops the lab. */
    @Test
    void twoEmptyLinesFromAPipeStopAfterEachOfThreeStepsAndTheEndOfInputCleansUp() throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        try (LiveCli cli = LiveCli.start(Map.of(), "run", "zombie", "--step", "--no-color")) {
            cli.type("");
            cli.type("");
            int code = cli.finish(60);
            String out = cli.output();
            assertEquals(0, code, out);
            assertEquals(3, LiveCli.count(out, PROMPT), out);
            for (int s = 1; s <= 3; s++) assertTrue(out.contains("── step " + s + " of 6"), "stopped after step " + s + "\n" + out);
            Matcher m = Pattern.compile("ps -o pid,ppid,stat,wchan:20,args -p (\\d+),(\\d+)").matcher(out);
            int seen = 0;
            while (m.find()) {
                seen++;
                for (int g = 1; g <= 2; g++) assertFalse(Files.exists(Path.of("/proc/" + m.group(g))), "left behind: " + m.group(g));
            }
            assertEquals(3, seen, "the live pids at each stop\n" + out);
            assertTrue(out.contains("End of input: stopping the lab and cleaning up."), out);
        }
    }

    @Test
    void rRunsToTheEndAndPrintsTheWholeTable() throws Exception {
        assumeTrue(Posix.isLinux(), "the real side needs Linux");
        try (LiveCli cli = LiveCli.start(Map.of(), "run", "zombie", "--step", "--no-color")) {
            cli.await(PROMPT, 1, 60);
            cli.type("r");
            assertEquals(0, cli.finish(60), cli.output());
            assertEquals(1, LiveCli.count(cli.output(), PROMPT), cli.output());
            assertTrue(cli.output().contains("zombie: 4 match, 0 differs"), cli.output());
        }
    }

    /** The pid column of a process's row in the live table ("  kid  4243  4242 main  Z <defunct> ..."). */
    private static long pid(String text, String name) {
        return Long.parseLong(row(text, name).group(1));
    }

    private static long ppid(String text, String name) {
        return Long.parseLong(row(text, name).group(2));
    }

    private static Matcher row(String text, String name) {
        Matcher m = Pattern.compile("(?m)^\\s+" + name + "\\s+(\\d+)\\s+(\\d+)").matcher(text);
        assertTrue(m.find(), name + " in\n" + text);
        return m;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return s;
    }
}
