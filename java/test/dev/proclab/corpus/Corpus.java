package dev.proclab.corpus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Capability;
import dev.proclab.real.Machine;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The corpus's files, and what a `proclab run` of them printed: summary lines, skip reasons. */
final class Corpus {
    private Corpus() {}

    /** `lab: 4 match, 0 differs, 0 explained, 0 expect-failed, 0 skipped  OK`, its blanks folded (the table wraps it). */
    private static final Pattern SUMMARY = Pattern.compile(
            "([a-z0-9]+(?:-[a-z0-9]+)*): (\\d+) match, (\\d+) differs, (\\d+) explained, (\\d+) expect-failed, (\\d+) skipped (OK|DIFFERS|FAILED)");
    private static final Pattern SKIPPED = Pattern.compile("real side skipped: (\\S+ \\S+)");

    /** Every lab of java/test-resources/corpus, in name order. */
    static List<Path> labs() {
        try (Stream<Path> s = Files.list(dir("/corpus"))) {
            List<Path> labs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(labs.size() >= 100, "the corpus holds at least 100 labs: " + labs.size());
            return labs;
        } catch (IOException e) {
            throw new AssertionError("cannot list the corpus: " + e.getMessage(), e);
        }
    }

    static Path dir(String resource) {
        try {
            var url = Corpus.class.getResource(resource);
            assertNotNull(url, "test resource " + resource);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static String id(Path lab) {
        String f = lab.getFileName().toString();
        return f.substring(0, f.length() - ".yaml".length());
    }

    /** Each lab's summary line (blanks folded) in a terminal report. */
    static Map<String, String> summaries(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher s = SUMMARY.matcher(out.replaceAll("\\s+", " "));
        while (s.find()) m.put(s.group(1), s.group());
        return m;
    }

    /**
     * Each lab's part of a terminal report of several labs: from its heading line (`ID — title`)
     * to the next lab's heading, or to the closing summary.
     */
    static Map<String, String> sections(String out, List<String> ids) {
        java.util.Set<String> wanted = new java.util.HashSet<>(ids);
        Matcher h = Pattern.compile("(?m)^([a-z0-9]+(?:-[a-z0-9]+)*) — |^summary$").matcher(out);
        Map<String, String> m = new LinkedHashMap<>();
        String id = null;
        int from = 0;
        while (h.find()) {
            if (id != null) m.put(id, out.substring(from, h.start()));
            id = h.group(1) != null && wanted.contains(h.group(1)) ? h.group(1) : null;
            from = h.start();
        }
        if (id != null) m.put(id, out.substring(from));
        return m;
    }

    /** The reasons given for real sides that were skipped: their first two words, "needs CAPABILITY:". */
    static List<String> realSkipped(String out) {
        List<String> why = new ArrayList<>();
        Matcher s = SKIPPED.matcher(out.replaceAll("\\s+", " "));
        while (s.find()) why.add(s.group(1));
        return why;
    }

    /** A skipped real side names a capability, and this machine lacks it. */
    static void assertNamesAMissingCapability(String why, Machine machine) {
        assertTrue(why.startsWith("needs ") && why.endsWith(":"), "a skip names the capability it needs: " + why);
        Capability c = Capability.byId(why.substring("needs ".length(), why.length() - 1));
        assertNotNull(c, "a known capability: " + why);
        if (machine != null) assertFalse(machine.has(c), "skipped for " + c.id() + ", which this machine has");
    }

    /** What an exec'd program printed reaches the terminal escaped: no control character but the newline, nothing not UTF-8. */
    static void assertEscaped(String id, String out) {
        for (int i = 0; i < out.length(); i++) {
            char ch = out.charAt(i);
            boolean control = ch < 0x20 && ch != '\n' || ch == 0x7f || ch >= 0x80 && ch < 0xa0;
            assertFalse(control || Character.isSurrogate(ch) || ch == '\ufffd',
                    id + ": a raw character U+" + Integer.toHexString(ch) + " at " + i + " of the report");
        }
    }

    record Run(int exit, String out) {}

    /** `proclab run --no-color --file LAB...` of every lab in one process of its own (this test's class path). */
    static Run runProcess(List<Path> labs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "-Dproclab.agent=" + System.getProperty("proclab.agent"),
                "-Dproclab.home=" + System.getProperty("proclab.home", "."),
                "dev.proclab.cli.Main", "run", "--no-color"));
        for (Path lab : labs) {
            cmd.add("--file");
            cmd.add(lab.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("COLUMNS", "200");
        Process p = pb.start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the run finished");
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
