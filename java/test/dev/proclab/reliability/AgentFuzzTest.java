package dev.proclab.reliability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's line protocol under random and mutated input (docs/protocol.md, "Errors"): every line
 * gets exactly one {@code result} or {@code error}, the agent never crashes or hangs, and closing it
 * leaves no process behind. Deterministic: session {@code s} uses seed {@code SEED + s}; replay one
 * with {@code -Dproclab.fuzz.seed=N -Dproclab.fuzz.sessions=1}.
 */
class AgentFuzzTest {
    private static final long SEED = Long.getLong("proclab.fuzz.seed", 0x5eed_2026L);
    private static final int SESSIONS = Integer.getInteger("proclab.fuzz.sessions", 18);
    private static final int LINES_PER_SESSION = Integer.getInteger("proclab.fuzz.lines", 200);
    /** Far above any settle (timeout 200, durations capped at a few ms): no answer in this time is a hang. */
    private static final long ANSWER_MS = 10_000;
    private static final int LINE_MAX = 65536; // the agent's LINE_MAX_BYTES
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Valid commands covering every verb; the names they use are the ones the mutations flip between. */
    private static final String[] CORPUS = {
        "fork main k1", "fork k1 k2", "fork main k3", "vfork main v", "exit v 0", "vfork k1 v2", "exec v2 /bin/true",
        "clone main t CLONE_VM|CLONE_SIGHAND -", "clone main th CLONE_VM|CLONE_SIGHAND|CLONE_THREAD -",
        "clone main cv CLONE_VM|CLONE_VFORK -", "clone k1 c0 0 SIGCHLD", "clone main cf CLONE_FILES|CLONE_FS 0",
        "clone main cp CLONE_PARENT|CLONE_PIDFD -", "clone main cn 0x20000000 -",
        "exec k1 /bin/true", "exec k3 /bin/echo hi \"a b\"", "exec t /bin/true", "exec k2 /nonexistent",
        "exit k1 0", "exit k2 255", "exit t 3", "exit th 0",
        "signal k1 SIGSTOP", "signal k1 SIGCONT", "signal k2 SIGKILL", "signal k1 SIGUSR1 main", "signal k3 0",
        "signal k1 SIGTSTP", "signal th SIGTERM",
        "wait main any WNOHANG", "wait main k1", "wait main any WNOHANG|WUNTRACED|WCONTINUED",
        "wait main k1 WNOWAIT|WNOHANG", "wait k1 any __WALL|WNOHANG", "wait main t -",
        "hold k1 5", "block k2", "spin k3 3", "pause 3",
        "set main x 42", "add main x -1", "set k1 y 9",
        "map main heap 16", "map k1 heap 4", "touch main heap all write", "touch main heap 4 read",
        "touch main heap 2-5 write", "touch k1 nope 1 read",
        "subreaper main", "ignore main SIGCHLD", "ignore k1 SIGTERM", "setuid k1 65534",
        "setpgid k1 0 0", "setpgid main k1 k1", "setpgid k2 0 agent", "setpgid main k3 main", "setsid k3", "setsid main",
        "handle k1 SIGUSR1", "handle main SIGCHLD", "handle th SIGKILL", "mask k1 SIGUSR1|SIGTERM -", "mask k1 - SIGUSR1",
        "mask main SIGCHLD SIGTERM", "mask th SIGSTOP|SIGKILL -", "mask k2 SIGUSR1|| -",
        "rlimit k1 NPROC 10", "rlimit main NOFILE unlimited", "rlimit k3 AS 100000000", "ptrace main k1",
        "repeat 3 { fork main w{i} ; exit w{i} 0 ; wait main w{i} }",
        "repeat 2 { fork main r{i} ; hold r{i} 1 ; exit r{i} 1 }",
        "repeat 2 { repeat 2 { set main y 1 ; add main y 2 } }",
        "repeat 2 { vfork main u{i} ; exit u{i} 7 ; wait main u{i} __WALL }",
        "observe main heap", "observe main", "observe agent", "observe k1 heap x", "observe-pid 1",
        "system", "slabinfo", "names", "timeout 200", "hello", "start", "sandbox pidns",
    };
    private static final String[] NAMES = {
        "main", "k1", "k2", "k3", "t", "th", "v", "agent", "nobody", "w{i}", "{i}", "1abc", "a-b", "K1", "_",
        "n".repeat(63), "n".repeat(64), "heap", "x", "any",
    };
    private static final String[] NUMBERS = {
        "0", "-0", "-1", "1", "2", "255", "256", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999",
        "007", "+5", "1e3", "0x10", "--1", "-", "", "5-2", "0-0", "1-1048576", "4294967295",
    };
    private static final String[] JUNK_WORDS = {
        "{", "}", ";", "\"", "\"\"", "\"\\\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\uD83D\\uDE00\"", "\"a\\\"b\"",
        "\"\\u12\"", "\"\\ud83d\\u\"", "\"\\x\"", "#", "\\", "repeat", "{i}", "all", "read", "write", "-",
        "WNOHANG|", "|", "CLONE_VM||CLONE_FS", "SIGRTMIN+30", "SIGRTMIN+31", "64", "RLIMIT_NOFILE", "infinity",
        "pidns", "pid_max=5", "pids_max=0", "pids_max=4194305", "\t", "\r", "é", "\u0000",
    };

    private final Path agent = Path.of(System.getProperty("proclab.agent", "target/cmake/bin/proclab-agent"));
    private int linesSent, results, failures, timeouts, errors, quits;

    @Test
    void everyLineGetsOneAnswerAndNothingLeaks() throws Exception {
        assumeTrue(Posix.isLinux(), "Linux only");
        assumeTrue(Files.isExecutable(agent), "no agent binary at " + agent);
        long t0 = System.nanoTime();
        int fdBaseline = -1;
        for (int s = 0; s < SESSIONS; s++) {
            long seed = SEED + s;
            session(seed);
            // The first session loads classes and opens jars; after that our descriptors must stay put.
            int fds = fdCount(Path.of("/proc/self/fd"));
            if (fdBaseline < 0) fdBaseline = fds;
            else assertTrue(fds <= fdBaseline + 8, "seed " + seed + ": this JVM's fds grew from " + fdBaseline + " to " + fds);
        }
        System.out.printf("AgentFuzzTest: %d lines in %d sessions (seeds %d..%d, %d ended early by a fuzzed quit) in %d ms: "
                + "%d ok, %d ok:false (%d timed out), %d errors%n", linesSent, SESSIONS, SEED, SEED + SESSIONS - 1, quits,
                (System.nanoTime() - t0) / 1_000_000, results - failures, failures, timeouts, errors);
    }

    /** The fuzz's own guards: long commands capped, out-of-range values kept, no line left unanswered. */
    @Test
    void tameAndCountedDoWhatTheySay() {
        assertEquals("pause 5", tame("pause 86400000"));
        assertEquals("repeat 2 { repeat 1 { hold main 5; spin k1 5 } }", tame("repeat 9 { repeat 9 { hold main 99; spin k1 7 } }"));
        assertEquals("\"timeout\"\t200", tame("\"timeout\"\t\"3600000\""));
        assertEquals("touch main heap 1-64 write", tame("touch main heap 1-1048576 write"));
        assertEquals("pause 99999999999999999999 -5", tame("pause 99999999999999999999 -5"));
        assertEquals("x# no comment", new String(counted(bytes("# no comment")), StandardCharsets.UTF_8));
        assertEquals("x \t\r", new String(counted(bytes(" \t\r")), StandardCharsets.UTF_8));
        assertEquals("\r# x", new String(counted(bytes("\r# x")), StandardCharsets.UTF_8));
    }

    /** One agent from start to close: set-up, fuzzed lines, a final hello, then nothing of it may remain. */
    private void session(long seed) throws Exception {
        Random rnd = new Random(seed);
        Set<Long> tree = new HashSet<>();
        boolean quit = false;
        AgentConnection a = AgentConnection.start(agent);
        try {
            long[] seq = {a.hello().path("seq").asLong()};
            send(a, seed, seq, bytes("timeout 200"));
            // pidns needs root; unprivileged it comes with a user namespace, or is refused (ok:false): go on without
            int kind = rnd.nextInt(4);
            if (kind == 1) send(a, seed, seq, bytes("sandbox pidns"));
            if (kind == 2) send(a, seed, seq, bytes("sandbox pidns pids_max=300"));
            // Sometimes the fuzz comes before start too (start and sandbox are in the corpus).
            for (int i = rnd.nextInt(3) == 0 ? rnd.nextInt(5) : 0; i > 0 && !quit; i--) quit = fuzzLine(a, seed, seq, rnd, tree);
            if (!quit) send(a, seed, seq, bytes("start"));
            for (int i = 0; i < LINES_PER_SESSION && !quit; i++) quit = fuzzLine(a, seed, seq, rnd, tree);
            if (!quit) {
                // The agent's own fds: a few of its own, and at most a socket, a pidfd and an output pipe
                // per lab process it knows; anything beyond grew with the lines, a leak.
                JsonNode names = send(a, seed, seq, bytes("names"));
                int known = names == null ? 0 : names.path("names").size();
                int fds = fdCount(Path.of("/proc", Long.toString(a.pid()), "fd"));
                assertTrue(fds <= 8 + 3 * known, "seed " + seed + ": the agent has " + fds + " fds for " + known + " names");
                JsonNode hello = send(a, seed, seq, bytes("hello"));
                assertTrue(hello != null && hello.path("ok").asBoolean(), "seed " + seed + ": no hello at the end: " + hello);
                tree.addAll(ProcScan.now().tree(a.pid()));
                // both ways to end: quit here (the agent kills its lab and exits), stdin EOF in close()
                if (rnd.nextBoolean()) {
                    JsonNode bye = send(a, seed, seq, bytes("quit"));
                    assertTrue(bye != null && bye.path("ok").asBoolean(), "seed " + seed + ": quit was not taken: " + bye);
                }
            }
        } finally {
            a.close();
        }
        // close() ends the agent (stdin EOF: it kills and reaps its lab). Nothing may live on; zombies
        // reparented to init may take it a moment to reap.
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertEquals(List.of(), ProcScan.living(tree), "seed " + seed + ": still running after close"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertEquals(List.of(), ProcScan.alive(tree), "seed " + seed + ": left after close"));
    }

    /** Sends one generated line; true when it was a quit the agent took (the session is over). */
    private boolean fuzzLine(AgentConnection a, long seed, long[] seq, Random rnd, Set<Long> tree) throws Exception {
        byte[] line = counted(generate(rnd));
        // quit ends the agent: its tree has to be known before
        boolean mayQuit = new String(line, StandardCharsets.ISO_8859_1).contains("quit");
        if (mayQuit) tree.addAll(ProcScan.now().tree(a.pid()));
        JsonNode r = send(a, seed, seq, line);
        boolean quit = r != null && "quit".equals(r.path("cmd").asText()) && r.path("ok").asBoolean();
        if (quit) quits++;
        return quit;
    }

    /**
     * One line, one answer: a result (returned) or an error (null). {@code seq} counts the agent's
     * output objects, so an extra or duplicated answer, or a line that is not JSON, shows as a gap.
     */
    private JsonNode send(AgentConnection a, long seed, long[] seq, byte[] line) {
        List<Event> events = new ArrayList<>();
        linesSent++;
        if (Boolean.getBoolean("proclab.fuzz.trace")) System.err.println("SEND " + seed + " " + show(line));
        try {
            JsonNode r = a.callRaw(line, show(line), ANSWER_MS, events);
            if (Boolean.getBoolean("proclab.fuzz.trace")) System.err.println("FUZZ " + seed + " " + show(line) + " -> " + r);
            seq[0] += events.size() + 1;
            assertEquals(seq[0], r.path("seq").asLong(), "seed " + seed + ": objects before the answer to `" + show(line)
                    + "` (an answer too many, or output that is not JSON)");
            results++;
            if (!r.path("ok").asBoolean()) failures++;
            if (r.path("timeout").asBoolean()) timeouts++;
            return r;
        } catch (KernelException e) {
            if (e.kind() == KernelException.Kind.BAD_STEP) {
                seq[0] += events.size() + 1;
                errors++;
                return null;
            }
            return fail("seed " + seed + ": " + e.kind() + " on line `" + show(line) + "`: " + e.getMessage());
        }
    }

    // ---------- generating lines ----------

    private static byte[] generate(Random rnd) {
        int p = rnd.nextInt(100);
        // rare on purpose: probe forks a child per capability; quit ends the session early (the stop path)
        if (p < 15) return bytes(CORPUS[rnd.nextInt(CORPUS.length)]); // valid as is: the lab gets somewhere
        if (p < 55) return bytes(tame(mutate(rnd, CORPUS[rnd.nextInt(CORPUS.length)])));
        if (p < 56) return bytes(rnd.nextInt(8) == 0 ? "quit" : "probe");
        if (p < 70) return randomBytes(rnd, 1 + rnd.nextInt(300));
        if (p < 80) return bytes(tame(junkWords(rnd)));
        if (p < 85) return longLine(rnd);
        return randomAscii(rnd, 1 + rnd.nextInt(120));
    }

    private static String mutate(Random rnd, String line) {
        List<String> w = new ArrayList<>(Arrays.asList(line.split(" ")));
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            int i = rnd.nextInt(w.size());
            switch (rnd.nextInt(12)) {
                case 0 -> { if (w.size() > 1) w.remove(i); }
                case 1 -> w.add(i, w.get(i));
                case 2 -> Collections.swap(w, i, rnd.nextInt(w.size()));
                case 3, 4 -> { // numbers: huge, negative, zero, malformed
                    for (int k = 0; k < w.size(); k++)
                        if (w.get(k).matches("-?\\d+(-\\d+)?|all")) { w.set(k, pick(rnd, NUMBERS)); break; }
                }
                case 5, 6 -> w.set(i, pick(rnd, NAMES));
                case 7 -> w.add(rnd.nextInt(w.size() + 1), pick(rnd, JUNK_WORDS));
                case 8 -> w.set(i, "\"" + w.get(i).replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
                case 9 -> { // a second command on the line, or a wrap into repeat
                    String other = CORPUS[rnd.nextInt(CORPUS.length)];
                    if (rnd.nextBoolean()) w.addAll(List.of(";", other));
                    else { w.add(0, "repeat " + pick(rnd, new String[] {"0", "1", "2"}) + " {"); w.add("}"); }
                }
                case 10 -> w.set(i, rnd.nextBoolean() ? w.get(i).toUpperCase() : w.get(i) + ";");
                default -> { // truncate anywhere, even inside a word or a string
                    String s = String.join(" ", w);
                    return s.substring(0, rnd.nextInt(s.length() + 1));
                }
            }
        }
        return String.join(rnd.nextInt(10) == 0 ? "\t" : " ", w);
    }

    private static String junkWords(Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int n = 1 + rnd.nextInt(8); n > 0; n--) {
            String[] from = switch (rnd.nextInt(3)) {
                case 0 -> JUNK_WORDS;
                case 1 -> NAMES;
                default -> CORPUS[rnd.nextInt(CORPUS.length)].split(" ");
            };
            b.append(pick(rnd, from)).append(rnd.nextInt(6) == 0 ? "" : " ");
        }
        return b.toString();
    }

    /** Any bytes but the newline: NULs, invalid UTF-8, lone continuation bytes, CRs. */
    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        for (int i = 0; i < n; i++) if (b[i] == '\n') b[i] = 0;
        return b;
    }

    private static byte[] randomAscii(Random rnd, int n) {
        String chars = "{}\";\\ #\t\rabcfkmnopqrstuvwxyz0123456789-_|{i}SIG";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(chars.charAt(rnd.nextInt(chars.length())));
        return bytes(b.toString());
    }

    /** Around and beyond the 64 KiB limit, and lines that are short but hold too many words or repeats. */
    private static byte[] longLine(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> bytes("x".repeat(LINE_MAX - 1 + rnd.nextInt(3))); // 64 KiB - 1 .. + 1
            case 1 -> bytes("observe main " + "heap ".repeat(LINE_MAX / 5)); // just over: words up to the limit
            case 2 -> bytes("a".repeat(200_000 + rnd.nextInt(100_000)));
            case 3 -> bytes("a; ".repeat(3000)); // more words than the agent takes
            case 4 -> bytes("repeat 1 { ".repeat(20) + "names" + " }".repeat(20)); // nested too deep
            case 5 -> bytes("exec main /bin/true " + "arg ".repeat(1100)); // more argv than exec takes
            case 6 -> bytes("exec main " + "\"" + "y".repeat(LINE_MAX - 30) + "\""); // one argument of almost 64 KiB
            case 7 -> bytes("\"" + "\\u00e9".repeat(LINE_MAX / 7) + "\"");
            case 8 -> { // exactly 64 KiB, ending inside an escape: nothing may be read past the line
                String tail = pick(rnd, new String[] {"\\ud800\\u", "\\ud800\\", "\\u12", "\\"});
                yield bytes("\"" + "z".repeat(LINE_MAX - 1 - tail.length()) + tail);
            }
            default -> randomBytes(rnd, LINE_MAX + rnd.nextInt(2000) - 1000);
        };
    }

    /**
     * Keeps the fuzz from legitimately long commands (a long command is not a hang, but the test must
     * end in time): durations, timeouts, repeat counts and page counts that the agent would accept are
     * capped, so that even a repeat whose every step times out ends in a few seconds. Out-of-range values stay: they are errors, which is what the fuzz is after.
     */
    static String tame(String line) {
        Matcher m = Pattern.compile("[^ \t]+").matcher(line);
        List<int[]> spans = new ArrayList<>();
        List<String> words = new ArrayList<>();
        while (m.find()) {
            String w = m.group();
            int end = m.end();
            if (w.length() > 1 && w.endsWith(";")) { // the agent splits a trailing ';' off a word
                words.add(decode(w.substring(0, w.length() - 1)));
                spans.add(new int[] {m.start(), end - 1});
                words.add(";");
                spans.add(new int[] {end - 1, end});
            } else {
                words.add(decode(w));
                spans.add(new int[] {m.start(), end});
            }
        }
        StringBuilder out = new StringBuilder(line);
        // right to left, so earlier spans stay valid
        for (int i = words.size() - 1; i >= 0; i--) {
            int start = i; // the first word of the command word i is in
            while (start > 0 && !Set.of(";", "{", "}").contains(words.get(start - 1))) start--;
            String verb = words.get(start);
            int arg = i - start;
            long cap = switch (verb) {
                case "hold", "spin" -> arg == 2 ? 5 : -1;
                case "pause" -> arg == 1 ? 5 : -1;
                case "timeout" -> arg == 1 ? 200 : -1;
                case "repeat" -> arg == 1 ? (depth(words, i) == 0 ? 2 : 1) : -1; // nested: 2 iterations in all
                case "map", "touch" -> arg == 3 ? 64 : -1;
                default -> -1;
            };
            if (cap < 0) continue;
            String w = words.get(i);
            String capped = w.matches("-?\\d+") ? clamp(w, cap)
                    : w.matches("\\d+-\\d+") ? clamp(w.split("-")[0], cap) + "-" + clamp(w.split("-")[1], cap) : w;
            if (!capped.equals(w)) out.replace(spans.get(i)[0], spans.get(i)[1], capped);
        }
        return out.toString();
    }

    /** How many braces are open before word i. */
    private static int depth(List<String> words, int i) {
        int d = 0;
        for (int k = 0; k < i; k++) d += words.get(k).equals("{") ? 1 : words.get(k).equals("}") ? -1 : 0;
        return Math.max(d, 0);
    }

    private static String clamp(String digits, long cap) {
        try {
            return Long.parseLong(digits) > cap ? Long.toString(cap) : digits;
        } catch (NumberFormatException e) {
            return digits; // beyond int64: the agent refuses it
        }
    }

    /** A word as the agent reads it: a JSON string decoded. */
    private static String decode(String w) {
        if (!w.startsWith("\"")) return w;
        try {
            return JSON.readValue(w, String.class);
        } catch (IOException e) {
            return w;
        }
    }

    /**
     * The agent skips empty and comment lines without an answer (protocol.md, "Framing"); the test
     * wants one answer a line, so such a line gets a leading word.
     */
    static byte[] counted(byte[] line) {
        int n = line.length;
        if (n > LINE_MAX) return line; // too long: an error whatever it holds
        if (n > 0 && line[n - 1] == '\r') n--;
        int i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t')) i++;
        if (i < n && line[i] != '#') return line;
        byte[] b = new byte[line.length + 1];
        b[0] = 'x';
        System.arraycopy(line, 0, b, 1, line.length);
        return b;
    }

    // ---------- helpers ----------

    private static <T> T pick(Random rnd, T[] from) {
        return from[rnd.nextInt(from.length)];
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The line for a message: printable, and short (head and tail of a long one). */
    private static String show(byte[] line) {
        if (line.length > 200) {
            return printable(Arrays.copyOf(line, 120)) + "... (" + line.length + " bytes) ..."
                    + printable(Arrays.copyOfRange(line, line.length - 40, line.length));
        }
        return printable(line);
    }

    private static String printable(byte[] line) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte x : line) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f) b.write(c);
            else b.writeBytes(String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII));
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static int fdCount(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        }
    }
}
