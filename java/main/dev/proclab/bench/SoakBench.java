package dev.proclab.bench;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.LabRunner;
import dev.proclab.compare.Row;
import dev.proclab.kernel.Kernel;
import dev.proclab.lab.Lab;
import dev.proclab.proc.Cgroups;
import dev.proclab.proc.ProcStat;
import dev.proclab.proc.ProcessTable;
import dev.proclab.real.RealKernel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The soak: many consecutive lab runs, model and real, in this one JVM. After the first run and after
 * the last it takes the same figures (processes, this JVM's descendants, agents anywhere, open file
 * descriptors, heap after a full GC, threads) and prints them one a line; a run that fails (a kernel
 * failure, a differs or expect-failed row, a real side that did not run) is named on {@code err}.
 * It is a benchmark, not a test: it answers "does anything pile up?", and {@link #steady} says whether
 * the figures came back to where they were.
 */
public final class SoakBench {
    /**
     * Every shipped lab but slab: measured in one JVM here, a lab takes 10-60 ms, exec-flags and pid-alloc
     * about 200 ms, slab about 1.3 s (and its task_struct counts move with whatever else the machine runs).
     */
    public static final List<String> DEFAULT_MIX = List.of(
            "zombie", "fork-memory", "states", "threads", "cow", "exit-signals", "vfork", "orphans", "clone-flags",
            "family", "fork-exec-wait", "exec-flags", "kthreads", "pid-limits", "pid-alloc");

    /** The agent names its sandboxes' pids cgroups proclab-PID-N. */
    static final String CGROUP_PREFIX = "proclab-";

    /** Heap may end this much higher and still count as steady: +10 % or +2 MiB, whichever is larger. */
    static final double HEAP_TOLERANCE_RATIO = 0.10;
    static final double HEAP_TOLERANCE_MIB = 2.0;

    /** The JDK names the threads of its cached pool that waits for child processes so. */
    static final String REAPER = "process reaper";

    /**
     * What is counted after a run. {@code threads} leaves out the JDK's process reapers: they are a cached
     * pool whose idle threads end after 60 s, so their number depends on how the last runs' agent exits
     * overlapped, not on anything kept; they are counted apart, in {@code reapers}. {@code processes} is
     * the pid and "comm ppid" of every process on the system, for naming what came and went.
     */
    public record Figures(Map<Long, String> processes, int descendants, int agents, int staleCgroups, int fds, double heapMib,
                          int threads, int reapers, long osThreads, List<String> threadNames) {}

    private final List<Lab> mix;
    private final Function<Lab, Kernel> model;
    private final Path agent;
    private final PrintStream out;
    private final PrintStream err;
    /** The pids of the agents this soak started: their cgroups are the ones it could leave behind. */
    private final Set<Long> agentPids = new HashSet<>();

    /**
     * @param mix the labs to cycle through; each one's real side must be able to run here
     * @param model the model kernel for a lab
     */
    public SoakBench(List<Lab> mix, Function<Lab, Kernel> model, Path agent, PrintStream out, PrintStream err) {
        if (mix.isEmpty()) throw new IllegalArgumentException("no labs to soak");
        this.mix = List.copyOf(mix);
        this.model = model;
        this.agent = agent;
        this.out = out;
        this.err = err;
    }

    private java.util.function.BiConsumer<Integer, String> progress = (done, lab) -> {};

    /** Told before each run how many are done and which lab comes (the CLI's progress bar). */
    public SoakBench onProgress(java.util.function.BiConsumer<Integer, String> p) {
        progress = p;
        return this;
    }

    /** Runs {@code runs} labs, prints the figures and the verdict line; returns whether the figures are steady and no run failed. */
    public boolean run(int runs) throws IOException {
        if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
        Map<String, long[]> perLab = new LinkedHashMap<>(); // id -> {runs, nanos}
        for (Lab l : mix) perLab.put(l.id(), new long[2]);
        List<String> ids = new ArrayList<>();
        for (Lab l : mix) ids.add(l.id());

        int failed = 0;
        agentPids.clear();
        Figures first = null;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            Lab lab = mix.get(i % mix.size());
            progress.accept(i, lab.id());
            long s = System.nanoTime();
            RealKernel real = new RealKernel(agent);
            LabResult r = new LabRunner(lab.id(), lab.steps(), lab.sandbox()).run(model.apply(lab), real, null);
            if (real.agentPid() > 0) agentPids.add(real.agentPid());
            long[] acc = perLab.get(lab.id());
            acc[0]++;
            acc[1] += System.nanoTime() - s;
            String why = whyFailed(r);
            if (why != null) {
                failed++;
                err.println("run " + (i + 1) + " (" + lab.id() + ") failed: " + why);
            }
            if (i == 0) first = measure();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Figures last = measure();

        out.println("runs " + runs);
        out.println("labs " + String.join(",", ids));
        print("processes", first.processes().size(), last.processes().size());
        print("descendants", first.descendants(), last.descendants());
        print("agents", first.agents(), last.agents());
        print("stale_cgroups", first.staleCgroups(), last.staleCgroups());
        print("fds", first.fds(), last.fds());
        out.printf(Locale.ROOT, "heap_first_mib %.2f%n", first.heapMib());
        out.printf(Locale.ROOT, "heap_last_mib %.2f%n", last.heapMib());
        print("threads", first.threads(), last.threads());
        print("reaper_threads", first.reapers(), last.reapers());
        print("os_threads", first.osThreads(), last.osThreads());
        out.println("failed_runs " + failed);
        out.printf(Locale.ROOT, "seconds %.1f%n", seconds);
        for (var e : perLab.entrySet()) {
            long[] a = e.getValue();
            if (a[0] > 0) out.printf(Locale.ROOT, "ms_per_run_%s %.1f%n", e.getKey(), a[1] / 1e6 / a[0]);
        }
        if (first.threads() != last.threads()) {
            err.println("threads after the first run: " + first.threadNames());
            err.println("threads after the last run:  " + last.threadNames());
        }
        if (first.processes().size() != last.processes().size()) {
            for (var e : first.processes().entrySet()) if (!last.processes().containsKey(e.getKey())) err.println("process gone since the first run: " + e.getKey() + " " + e.getValue());
            for (var e : last.processes().entrySet()) if (!first.processes().containsKey(e.getKey())) err.println("process new since the first run: " + e.getKey() + " " + e.getValue());
        }
        List<String> moved = moved(first, last);
        boolean ok = moved.isEmpty() && failed == 0;
        out.println(ok ? "steady: after " + runs + " runs this JVM's descendants, agents, stale cgroups, fds and threads are as after the first, heap within tolerance, no run failed"
                : "NOT steady: " + String.join("; ", moved) + (failed == 0 ? "" : (moved.isEmpty() ? "" : "; ") + failed + " run(s) failed"));
        return ok;
    }

    private void print(String name, long first, long last) {
        out.println(name + "_first " + first);
        out.println(name + "_last " + last);
    }

    /** Why a run counts as failed, or null. */
    static String whyFailed(LabResult r) {
        if (r.failure() != null) return r.failure();
        if (r.realSkipped() != null) return "the real side did not run: " + r.realSkipped();
        for (Row row : r.rows()) {
            if (row.verdict().fails()) {
                return row.verdict().id() + " at step " + row.step() + ", " + row.proc() + " " + row.field()
                        + ": expected " + row.expected() + ", model " + row.model() + ", real " + row.real()
                        + (row.note() == null ? "" : " (" + row.note() + ")");
            }
        }
        return null;
    }

    /**
     * Which figures did not come back (empty when steady). The system's process count is not among them:
     * on a shared machine other users' processes move it (the soak names them on err). What the soak could
     * leave behind is counted exactly: this JVM's descendants, agents anywhere (an orphaned lab process
     * is a fork of the agent and runs its binary) and the cgroups of the agents it started.
     */
    public static List<String> moved(Figures first, Figures last) {
        List<String> m = new ArrayList<>();
        if (first.descendants() != last.descendants()) m.add("descendants " + first.descendants() + " -> " + last.descendants());
        if (first.agents() != last.agents()) m.add("agents " + first.agents() + " -> " + last.agents());
        if (first.staleCgroups() != last.staleCgroups()) m.add("stale cgroups " + first.staleCgroups() + " -> " + last.staleCgroups());
        if (first.fds() != last.fds()) m.add("fds " + first.fds() + " -> " + last.fds());
        if (first.threads() != last.threads()) m.add("threads " + first.threads() + " -> " + last.threads());
        double allowed = Math.max(first.heapMib() * HEAP_TOLERANCE_RATIO, HEAP_TOLERANCE_MIB);
        if (last.heapMib() > first.heapMib() + allowed) {
            m.add(String.format(Locale.ROOT, "heap %.2f -> %.2f MiB (more than +%.2f MiB)", first.heapMib(), last.heapMib(), allowed));
        }
        return m;
    }

    /**
     * The sandbox cgroups (proclab-PID-N) left by agents this soak started and closed. Another user's
     * agents (their cgroups come and go, or stay when such an agent is SIGKILLed) are not counted.
     */
    int staleCgroups() {
        int n = 0;
        for (String name : Cgroups.named(Cgroups.pidsDir(), CGROUP_PREFIX)) {
            String[] f = name.split("-");
            try {
                if (f.length == 3 && agentPids.contains(Long.parseLong(f[1]))) n++;
            } catch (NumberFormatException e) {
                // not an agent's name
            }
        }
        return n;
    }

    private static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) names.add(t.getName() + (t.isDaemon() ? " (daemon)" : ""));
        java.util.Collections.sort(names);
        return names;
    }

    /** The figures now, after a full GC (twice: the first may leave finalizable and weakly reachable garbage). */
    Figures measure() throws IOException {
        System.gc();
        System.gc();
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
        ProcessTable t = ProcessTable.scan();
        Map<Long, String> procs = new TreeMap<>();
        for (ProcStat st : t.all()) procs.put(st.pid(), st.comm() + " ppid " + st.ppid());
        List<String> names = threadNames();
        int reapers = 0;
        for (String n : names) if (n.startsWith(REAPER)) reapers++;
        return new Figures(procs, t.descendants(ProcessHandle.current().pid()).size(), t.runningExecutable(agent).size(),
                staleCgroups(), ProcessTable.openFds(), heap,
                names.size() - reapers, reapers, ProcessTable.osThreads(), names);
    }
}
