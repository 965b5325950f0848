package dev.proclab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.real.AgentConnection;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.ProcStat;
import dev.proclab.real.TraceSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What tracing costs: the agent's fork loop (`repeat N { fork ; exit ; wait }`, run by main as a
 * script) with the kernel subject's tracing on, against the same loop with it off, alternated round by
 * round in one agent so that load on the machine falls on both alike. Tracing is switched on (instance,
 * tracepoints, filters, the stacktrace trigger) only for the traced rounds: a tracepoint left enabled
 * would slow the untraced rounds too. Each loop is timed by the agent (t_us: no round trip). The
 * buffers are drained by the agent's poll loop while the loop runs, as in a lab. The cost is counted
 * twice: as the loop's rate (wall clock), and as the CPU time one fork takes in main, its children and
 * the agent (utime + stime + cutime + cstime), which other work on the machine disturbs much less.
 * What the filters cost in other processes (a tracepoint fires in every process) is in neither.
 */
public final class TraceBench {
    /** The kernel families fork-anatomy traces: allocations and frees by call site, the process events, one stack. */
    public static final List<String> DEFAULT_FIELDS = List.of("allocs", "frees", "events", "stack.task_struct");

    private final Path agent;
    private final PrintStream out;

    public TraceBench(Path agent, PrintStream out) {
        this.agent = agent;
        this.out = out;
    }

    /**
     * @return the cost ratio: the CPU time a traced fork takes (main, its reaped children and the agent
     *     that drains the buffers) over an untraced one's, the median of each traced round against the
     *     untraced round before it; NaN when tracing cannot run
     */
    public double run(int forks, int rounds, List<String> fields) throws KernelException, java.io.IOException {
        Set<String> families = new LinkedHashSet<>();
        for (String f : fields) families.add(dev.proclab.kernel.Fields.kernelFamily(f));
        double[] plain = new double[rounds], traced = new double[rounds], plainCpu = new double[rounds], tracedCpu = new double[rounds];
        long bytes = 0, lost = 0;
        try (AgentConnection a = AgentConnection.start(agent)) {
            List<Event> ev = new ArrayList<>();
            JsonNode main = a.call("start", 10_000, ev);
            ok(main, "start");
            long[] pids = {main.path("host_pid").asLong(), a.pid()};
            TraceSession trace = new TraceSession(a);
            loop(a, Math.max(forks / 10, 100), pids); // warm-up
            for (int i = 0; i < rounds; i++) {
                double[] u = loop(a, forks, pids);
                plain[i] = u[0];
                plainCpu[i] = u[1];
                String why = trace.start(families);
                if (why != null) {
                    out.println("tracing is not available: " + why);
                    trace.stop();
                    return Double.NaN;
                }
                trace.drain(); // what came before the loop
                double[] t = loop(a, forks, pids);
                traced[i] = t[0];
                tracedCpu[i] = t[1];
                long[] d = trace.drain();
                bytes += d[0];
                lost = Math.max(lost, d[1]);
                trace.stop();
            }
        }
        double p = Stats.median(plain), t = Stats.median(traced);
        out.println("traced_fields " + String.join(",", fields));
        out.printf("untraced_forks_per_s %.0f%n", p);
        out.printf("traced_forks_per_s %.0f%n", t);
        out.printf("wall_ratio %.3f%n", p / t);
        out.printf("trace_bytes_per_fork %.0f%n", bytes / ((double) forks * rounds));
        out.println("lost_events " + lost);
        // each traced round against the untraced one just before it: load that comes and goes falls on both
        double[] pairs = new double[rounds];
        for (int i = 0; i < rounds; i++) pairs[i] = tracedCpu[i] / plainCpu[i];
        out.printf("cpu_ratio_of_medians %.3f%n", Stats.median(tracedCpu) / Stats.median(plainCpu));
        double ratio = Stats.median(pairs);
        out.printf("ratio %.3f%n", ratio);
        return ratio;
    }

    private int loops;

    /**
     * One repeat: {forks per second by the agent's own clock (t_us), CPU clock ticks per fork of main
     * with its reaped children and of the agent}. Each loop names its children anew.
     */
    private double[] loop(AgentConnection a, int forks, long[] pids) throws KernelException, java.io.IOException {
        long cpu0 = cpu(pids);
        String c = "l" + (loops++) + "w{i}";
        JsonNode r = a.call("repeat " + forks + " { fork main " + c + " ; exit " + c + " 0 ; wait main " + c + " }", 600_000, new ArrayList<>());
        long cpu1 = cpu(pids);
        ok(r, "repeat");
        if (r.path("failed").asInt() != 0) {
            throw new KernelException(KernelException.Kind.AGENT_FAILED, "repeat had " + r.path("failed").asInt() + " failed steps (" + r.path("errno").asText() + ")");
        }
        return new double[] {forks / (r.path("t_us").asLong() / 1e6), (cpu1 - cpu0) / (double) forks};
    }

    private static long cpu(long[] pids) throws java.io.IOException {
        long sum = 0;
        for (long p : pids) sum += ProcStat.cpuTicks(ProcFiles.read(ProcPaths.stat(p)));
        return sum;
    }

    private static void ok(JsonNode r, String what) throws KernelException {
        if (!r.path("ok").asBoolean()) throw new KernelException(KernelException.Kind.AGENT_FAILED, what + " failed: " + r);
    }
}
