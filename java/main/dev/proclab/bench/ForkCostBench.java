package dev.proclab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.kernel.KernelException;
import dev.proclab.proc.CpuPressure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What fork costs against the parent's written memory: fork, vfork, clone(CLONE_VM) and
 * posix_spawn(/bin/true), timed in the agent ({@code proclab-agent --bench fork-cost}, native/agent/bench.c:
 * the JVM never forks), and glibc's fork() in the plain C loop ({@code proclab-forkloop cost}), the two
 * run in lockstep, size by size, so that load on the machine falls on both alike. Each size's figure is
 * the median, over the rounds, of each round's median of {@code reps} calls. A line is fitted per call;
 * the model ({@link ForkCostModel}) says which lines must rise and which must stay flat.
 */
public final class ForkCostBench {
    /** The series, in the order of the figures: the four calls in the agent, then the plain loop's fork. */
    public static final List<String> SERIES = List.of("fork", "vfork", "clone_vm", "posix_spawn", "plain_c_fork");
    /** The shape rules: a linear call's line explains this much of its variance ... */
    public static final double LINEAR_R2 = 0.95;
    /**
     * ... and a flat call's line rises at most this share of fork's: it copies no page tables, so what
     * the parent wrote does not show in it. (A spread of its times, slowest over fastest, is no rule: a
     * call of 20 µs doubles whenever the VM wakes a CPU for the child.)
     */
    public static final double FLAT_SLOPE_SHARE = 0.10;
    /** The agent's fork slope over the plain loop's must lie within this much of 1. */
    public static final double RATIO_BAND = 0.25;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RUN_TIMEOUT_S = 900;

    /** @param rounds how many times both sides sweep every size (which side goes first alternates) */
    public record Settings(long maxMib, int points, int reps, int rounds) {}

    /** One call's line: µs per MiB written, µs at 0 MiB, R². */
    public record Fit(double usPerMib, double interceptUs, double r2) {
        static Fit of(LineFit f) {
            return new Fit(f.slope(), f.intercept(), f.r2());
        }
    }

    /**
     * How busy the machine was around the run: the share of its time in which some task waited for a CPU
     * (PSI, /proc/pressure/cpu; null without PSI) and the one-minute load average before and after.
     */
    public record Noise(Double cpuPressurePct, double loadavgBefore, double loadavgAfter) {
        public String describe() {
            return (cpuPressurePct == null ? "CPU pressure unknown (no PSI)" : String.format("CPU pressure %.0f%% of the run", cpuPressurePct))
                    + String.format(", load average %.2f before and %.2f after", loadavgBefore, loadavgAfter);
        }
    }

    /** One shape rule on one call: what the model says, what was measured, whether it holds. */
    public record Verdict(String call, String modelShape, String measured, boolean holds) {}

    /**
     * @param mib     the sizes written, ascending
     * @param us      per series ({@link #SERIES}), the µs at each size
     * @param modelPteKb per call, the page tables (kB) the model says it copies at each size
     */
    public record Result(Settings settings, String thp, String spawnPath, List<Long> mib, Map<String, double[]> us,
            Map<String, Fit> fits, Map<String, long[]> modelPteKb, Map<String, String> modelShape, List<Verdict> verdicts,
            double slopeRatio, Noise noise) {

        Result withNoise(Noise n) {
            return new Result(settings, thp, spawnPath, mib, us, fits, modelPteKb, modelShape, verdicts, slopeRatio, n);
        }

        public boolean holds() {
            return verdicts.stream().allMatch(Verdict::holds);
        }

        /** The medians at each size, a line each, with the model's copied page tables; a header line first. */
        public List<String> table() {
            List<String> t = new ArrayList<>();
            t.add(String.format("%8s %10s %10s %12s %15s %16s   %s", "MiB", "fork_us", "vfork_us", "clone_vm_us", "posix_spawn_us",
                    "plain_c_fork_us", "model: fork copies (kB of page tables)"));
            for (int i = 0; i < mib.size(); i++) {
                t.add(String.format("%8d %10.1f %10.1f %12.1f %15.1f %16.1f   %d", mib.get(i), us.get("fork")[i], us.get("vfork")[i],
                        us.get("clone_vm")[i], us.get("posix_spawn")[i], us.get("plain_c_fork")[i], modelPteKb.get("fork")[i]));
            }
            return t;
        }

        /** The shape verdicts, a line each. */
        public List<String> verdictLines() {
            List<String> v = new ArrayList<>();
            for (Verdict x : verdicts) v.add(String.format("%-22s model: %-14s real: %s  %s", x.call(), x.modelShape(), x.measured(),
                    x.holds() ? "holds" : "FAILS"));
            return v;
        }

        /** "name value" lines of {@link #figures()}. */
        public List<String> figureLines() {
            List<String> f = new ArrayList<>();
            figures().forEach((k, v) -> f.add(k + " " + (k.endsWith("_r2") ? String.format("%.4f", v) : String.format("%.3f", v))));
            return f;
        }

        /** Everything, as a tree of maps and lists for a JSON writer. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bench", "fork-cost");
            m.put("settings", Map.of("max_mib", settings.maxMib(), "points", settings.points(), "reps", settings.reps(),
                    "rounds", settings.rounds()));
            m.put("thp", thp);
            m.put("posix_spawn_runs", spawnPath);
            if (noise != null) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("cpu_pressure_pct", noise.cpuPressurePct());
                n.put("loadavg_before", noise.loadavgBefore());
                n.put("loadavg_after", noise.loadavgAfter());
                m.put("noise", n);
            }
            List<Map<String, Object>> pts = new ArrayList<>();
            for (int i = 0; i < mib.size(); i++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("mib", mib.get(i));
                for (String series : SERIES) p.put(series + "_us", us.get(series)[i]);
                for (String call : ForkCostModel.CALLS) p.put("model_" + call + "_copies_pte_kb", modelPteKb.get(call)[i]);
                pts.add(p);
            }
            m.put("points", pts);
            Map<String, Object> f = new LinkedHashMap<>();
            fits.forEach((k, v) -> f.put(k, Map.of("us_per_mib", v.usPerMib(), "intercept_us", v.interceptUs(), "r2", v.r2())));
            m.put("fits", f);
            m.put("model_shape", modelShape);
            List<Map<String, Object>> vs = new ArrayList<>();
            for (Verdict v : verdicts) {
                vs.add(Map.of("call", v.call(), "model", v.modelShape(), "measured", v.measured(), "holds", v.holds()));
            }
            m.put("verdicts", vs);
            m.put("holds", holds());
            m.put("figures", figures());
            return m;
        }

        /** The figures, one a line, in order; slope_ratio last. */
        public Map<String, Double> figures() {
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("fork_us_per_mib", fits.get("fork").usPerMib());
            f.put("fork_r2", fits.get("fork").r2());
            f.put("vfork_us_per_mib", fits.get("vfork").usPerMib());
            f.put("clone_vm_us_per_mib", fits.get("clone_vm").usPerMib());
            f.put("posix_spawn_us_per_mib", fits.get("posix_spawn").usPerMib());
            f.put("plain_c_fork_us_per_mib", fits.get("plain_c_fork").usPerMib());
            f.put("slope_ratio", slopeRatio);
            return f;
        }
    }

    private final Path agent;
    private final Path forkloop;

    public ForkCostBench(Path agent) {
        this.agent = agent;
        this.forkloop = agent.resolveSibling("proclab-forkloop");
    }

    public Result run(Settings s) throws IOException, InterruptedException, KernelException {
        if (!Files.isExecutable(forkloop)) throw new IOException("no plain loop beside the agent: " + forkloop);
        CpuPressure before = CpuPressure.read();
        long t0 = System.nanoTime();
        List<Map<String, double[]>> rounds = new ArrayList<>();
        String[] info = new String[2];
        List<Long> mib = null;
        for (int r = 0; r < s.rounds(); r++) {
            Map<String, double[]> round = new LinkedHashMap<>();
            List<Long> sizes = round(s, r % 2 == 0, round, info);
            if (mib == null) mib = sizes;
            else if (!mib.equals(sizes)) throw new IOException("round " + (r + 1) + " measured other sizes: " + sizes + " vs " + mib);
            rounds.add(round);
        }
        Map<String, double[]> us = new LinkedHashMap<>();
        for (String series : SERIES) {
            double[] v = new double[mib.size()];
            for (int i = 0; i < v.length; i++) {
                double[] across = new double[rounds.size()];
                for (int r = 0; r < across.length; r++) across[r] = rounds.get(r).get(series)[i];
                v[i] = Stats.median(across);
            }
            us.put(series, v);
        }
        Result result = judge(s, info[0], info[1], mib, us);
        CpuPressure after = CpuPressure.read();
        if (before == null || after == null) return result;
        return result.withNoise(new Noise(after.percentSince(before, (System.nanoTime() - t0) / 1000), before.loadavg1(), after.loadavg1()));
    }

    /** Fits, the model's shapes and the verdicts, from the measured medians. */
    public static Result judge(Settings s, String thp, String spawnPath, List<Long> mib, Map<String, double[]> us) throws KernelException {
        double[] x = new double[mib.size()];
        for (int i = 0; i < x.length; i++) x[i] = mib.get(i);
        Map<String, Fit> fits = new LinkedHashMap<>();
        for (String series : SERIES) fits.put(series, Fit.of(LineFit.of(x, us.get(series))));
        Map<String, long[]> model = new LinkedHashMap<>();
        Map<String, String> shapes = new LinkedHashMap<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (String call : ForkCostModel.CALLS) {
            long[] kb = new long[x.length];
            for (int i = 0; i < kb.length; i++) kb[i] = ForkCostModel.copiedPteKb(call, mib.get(i));
            model.put(call, kb);
            String shape = kb[kb.length - 1] > kb[0] ? "linear" : "flat";
            shapes.put(call, shape);
            verdicts.add(shape.equals("linear") ? linear(call, fits.get(call)) : flat(call, us.get(call), fits.get(call), fits.get("fork")));
        }
        double ratio = fits.get("fork").usPerMib() / fits.get("plain_c_fork").usPerMib();
        verdicts.add(new Verdict("fork vs plain C loop", "the same slope", String.format("slope ratio %.2f (within %.2f..%.2f)",
                ratio, 1 - RATIO_BAND, 1 + RATIO_BAND), Math.abs(ratio - 1) <= RATIO_BAND));
        return new Result(s, thp, spawnPath, List.copyOf(mib), us, fits, model, shapes, List.copyOf(verdicts), ratio, null);
    }

    private static Verdict linear(String call, Fit f) {
        boolean ok = f.r2() >= LINEAR_R2 && f.usPerMib() > 0;
        return new Verdict(call, "linear", String.format("%.2f µs/MiB, R² %.3f (at least %.2f)", f.usPerMib(), f.r2(), LINEAR_R2), ok);
    }

    private static Verdict flat(String call, double[] us, Fit f, Fit fork) {
        double lo = Double.MAX_VALUE, hi = 0;
        for (double v : us) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double share = fork.usPerMib() > 0 ? f.usPerMib() / fork.usPerMib() : Double.NaN;
        return new Verdict(call, "flat", String.format("%.0f-%.0f µs, %.3f µs/MiB: %.1f%% of fork's slope (at most %.0f%%)", lo, hi,
                f.usPerMib(), share * 100, FLAT_SLOPE_SHARE * 100), lo > 0 && fork.usPerMib() > 0 && share <= FLAT_SLOPE_SHARE);
    }

    /**
     * One round: the agent and the plain loop, both started, step through the sizes in lockstep (each
     * measures a size when told to, the agent first in even rounds), so that both meet the same load at
     * the same size. Returns the sizes; info[0] is THP's mode, info[1] the program posix_spawn ran.
     */
    private List<Long> round(Settings s, boolean agentFirst, Map<String, double[]> into, String[] info)
            throws IOException, InterruptedException {
        List<String> args = List.of(String.valueOf(s.maxMib()), String.valueOf(s.points()), String.valueOf(s.reps()), "step");
        List<String> agentCmd = new ArrayList<>(List.of(agent.toString(), "--bench", "fork-cost"));
        agentCmd.addAll(args);
        List<String> plainCmd = new ArrayList<>(List.of(forkloop.toString(), "cost"));
        plainCmd.addAll(args);
        List<Long> sizes = new ArrayList<>();
        double[][] calls = new double[4][s.points()];
        double[] plain = new double[s.points()];
        try (Stepped a = new Stepped("proclab-agent --bench", agentCmd); Stepped p = new Stepped("proclab-forkloop cost", plainCmd)) {
            JsonNode head = JSON.readTree(a.until("{"));
            if (!head.path("type").asText().equals("bench")) throw new IOException("the agent's benchmark began with " + head);
            info[0] = head.path("thp").asText();
            info[1] = head.path("spawn").asText();
            for (int i = 0; i < s.points(); i++) {
                String agentLine = null, plainLine = null;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == agentFirst) agentLine = a.step("{");
                    else plainLine = p.step("point ");
                }
                JsonNode o = JSON.readTree(agentLine);
                if (!o.path("type").asText().equals("point")) throw new IOException("the agent's benchmark said " + agentLine);
                sizes.add(o.path("mib").asLong());
                for (int c = 0; c < 4; c++) calls[c][i] = o.path(ForkCostModel.CALLS.get(c) + "_us").asDouble();
                String[] w = plainLine.trim().split("\\s+");
                if (w.length != 4 || !w[2].equals("fork_us") || Long.parseLong(w[1]) != sizes.get(i)) {
                    throw new IOException("the plain loop measured another size: " + plainLine + " (the agent: " + sizes.get(i) + " MiB)");
                }
                plain[i] = Double.parseDouble(w[3]);
            }
            if (!JSON.readTree(a.until("{")).path("type").asText().equals("done")) throw new IOException("the agent's benchmark did not finish");
        }
        for (int c = 0; c < 4; c++) into.put(SERIES.get(c), calls[c]);
        into.put("plain_c_fork", plain);
        return sizes;
    }

    /**
     * A benchmark program run a size at a time: a line on its stdin lets it measure the next size. It is
     * killed if it has not ended {@link #RUN_TIMEOUT_S} seconds after its start, and on close.
     */
    private static final class Stepped implements AutoCloseable {
        private final String name;
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final Thread watchdog;
        private String last = "";

        Stepped(String name, List<String> cmd) throws IOException {
            this.name = name;
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS)) process.destroyForcibly();
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            }, "fork-cost watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }

        /** Lets the program measure one size and returns its answer (the next line that starts with prefix). */
        String step(String prefix) throws IOException {
            try {
                in.write("\n");
                in.flush();
            } catch (IOException e) {
                throw ended();
            }
            return until(prefix);
        }

        String until(String prefix) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
                if (line.startsWith("{\"type\":\"error\"")) {
                    throw new IOException(name + " failed: " + JSON.readTree(line).path("message").asText());
                }
                if (line.startsWith(prefix)) return line;
            }
            throw ended();
        }

        private IOException ended() {
            return new IOException(name + " ended early" + (last.isEmpty() ? "" : " after: " + last)
                    + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")"));
        }

        @Override
        public void close() throws InterruptedException {
            try {
                in.close(); // EOF: a program still waiting for its next size ends
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            watchdog.interrupt();
            try {
                out.close();
            } catch (IOException e) {
                // nothing left to read
            }
        }
    }
}
