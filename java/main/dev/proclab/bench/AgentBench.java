package dev.proclab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.real.AgentConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent's `repeat` of fork/exit/wait against a plain C fork/_exit/waitpid loop (proclab-forkloop,
 * built with the project), alternated in the same run, and the cost of one observe of a process with a
 * 256-page region, measured from Java (round trip included). Prints one figure a line; the last is the ratio.
 */
public final class AgentBench {
    private final Path agent;
    private final Path forkloop;
    private final PrintStream out;

    public AgentBench(Path agent, PrintStream out) {
        this.agent = agent;
        this.forkloop = agent.resolveSibling("proclab-forkloop");
        this.out = out;
    }

    /** @return the ratio of the agent's rate to the plain loop's (medians of {@code rounds} rounds) */
    public double run(int forks, int rounds) throws KernelException, IOException, InterruptedException {
        if (!Files.isExecutable(forkloop)) throw new IOException("no plain loop beside the agent: " + forkloop);
        double[] plain = new double[rounds];
        double[] raw = new double[rounds];
        double[] repeat = new double[rounds];
        plainLoop(Math.max(forks / 10, 100), false); // warm the page cache and the allocator
        agentLoop(Math.max(forks / 10, 100));
        for (int i = 0; i < rounds; i++) { // alternated, so load on the machine falls on all three alike
            plain[i] = plainLoop(forks, false);
            raw[i] = plainLoop(forks, true);
            repeat[i] = agentLoop(forks);
        }
        double p = Stats.median(plain), r = Stats.median(raw), a = Stats.median(repeat);
        out.printf("plain_forks_per_s %.0f%n", p);
        out.printf("raw_clone_forks_per_s %.0f%n", r);
        out.printf("repeat_forks_per_s %.0f%n", a);
        out.printf("observe_256_pages_us %.0f%n", observeMicros(200));
        out.printf("ratio_vs_raw_clone %.2f%n", a / r);
        double ratio = a / p;
        out.printf("ratio %.2f%n", ratio);
        return ratio;
    }

    private double plainLoop(int forks, boolean raw) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(forkloop.toString(), String.valueOf(forks)));
        if (raw) cmd.add("raw");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) last = line;
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("proclab-forkloop did not finish");
        }
        if (last == null || !last.startsWith("forks_per_s ")) throw new IOException("proclab-forkloop said: " + last);
        return Double.parseDouble(last.substring("forks_per_s ".length()).trim());
    }

    /** Forks per second of the agent's repeat, timed by the agent's own monotonic clock (start to result). */
    private double agentLoop(int forks) throws KernelException {
        try (AgentConnection a = AgentConnection.start(agent)) {
            List<Event> ev = new ArrayList<>();
            ok(a.call("start", 10_000, ev), "start");
            long t0 = System.nanoTime();
            JsonNode r = a.call("repeat " + forks + " { fork main w{i} ; exit w{i} 0 ; wait main w{i} }", 600_000, ev);
            long t1 = System.nanoTime();
            ok(r, "repeat");
            if (r.path("failed").asInt() != 0) throw new KernelException(KernelException.Kind.AGENT_FAILED, "repeat had failed steps: " + r);
            return forks / ((t1 - t0) / 1e9);
        }
    }

    private double observeMicros(int times) throws KernelException {
        try (AgentConnection a = AgentConnection.start(agent)) {
            List<Event> ev = new ArrayList<>();
            ok(a.call("start", 10_000, ev), "start");
            ok(a.call("map main heap 256", 10_000, ev), "map");
            ok(a.call("touch main heap all write", 10_000, ev), "touch");
            for (int i = 0; i < 50; i++) a.call("observe main heap", 10_000, ev); // warm-up: JIT and page cache
            double[] us = new double[times];
            for (int i = 0; i < times; i++) {
                long t0 = System.nanoTime();
                JsonNode r = a.call("observe main heap", 10_000, ev);
                us[i] = (System.nanoTime() - t0) / 1e3;
                if (r.path("regions").path("heap").path("pagemap").size() != 256) {
                    throw new KernelException(KernelException.Kind.AGENT_FAILED, "observe did not read 256 pagemap entries");
                }
            }
            return Stats.median(us);
        }
    }

    private static void ok(JsonNode r, String what) throws KernelException {
        if (!r.path("ok").asBoolean()) throw new KernelException(KernelException.Kind.AGENT_FAILED, what + " failed: " + r);
    }

}
