package dev.proclab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.real.AgentConnection;
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
 * buffers are drained by the agent's poll loop while the loop runs, as in a lab.
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

    /** @return the cost ratio: the untraced loop's rate over the traced one's (medians), or NaN when tracing cannot run */
    public double run(int forks, int rounds, List<String> fields) throws KernelException {
        Set<String> families = new LinkedHashSet<>();
        for (String f : fields) families.add(dev.proclab.kernel.Fields.kernelFamily(f));
        double[] plain = new double[rounds], traced = new double[rounds];
        long pages = 0, lost = 0;
        try (AgentConnection a = AgentConnection.start(agent)) {
            List<Event> ev = new ArrayList<>();
            ok(a.call("start", 10_000, ev), "start");
            TraceSession trace = new TraceSession(a);
            loop(a, Math.max(forks / 10, 100)); // warm-up
            for (int i = 0; i < rounds; i++) {
                plain[i] = loop(a, forks);
                String why = trace.start(families);
                if (why != null) {
                    out.println("tracing is not available: " + why);
                    trace.stop();
                    return Double.NaN;
                }
                trace.drain(); // what came before the loop
                traced[i] = loop(a, forks);
                long[] d = trace.drain();
                pages += d[0];
                lost = Math.max(lost, d[1]);
                trace.stop();
            }
        }
        double p = Stats.median(plain), t = Stats.median(traced);
        out.println("traced_fields " + String.join(",", fields));
        out.printf("untraced_forks_per_s %.0f%n", p);
        out.printf("traced_forks_per_s %.0f%n", t);
        out.printf("trace_kib_per_fork %.1f%n", pages * 4.0 / ((double) forks * rounds));
        out.println("lost_events " + lost);
        double ratio = p / t;
        out.printf("ratio %.3f%n", ratio);
        return ratio;
    }

    private int loops;

    /** Forks per second of one repeat, by the agent's own clock (t_us); each loop names its children anew. */
    private double loop(AgentConnection a, int forks) throws KernelException {
        String c = "l" + (loops++) + "w{i}";
        JsonNode r = a.call("repeat " + forks + " { fork main " + c + " ; exit " + c + " 0 ; wait main " + c + " }", 600_000, new ArrayList<>());
        ok(r, "repeat");
        if (r.path("failed").asInt() != 0) {
            throw new KernelException(KernelException.Kind.AGENT_FAILED, "repeat had " + r.path("failed").asInt() + " failed steps (" + r.path("errno").asText() + ")");
        }
        return forks / (r.path("t_us").asLong() / 1e6);
    }

    private static void ok(JsonNode r, String what) throws KernelException {
        if (!r.path("ok").asBoolean()) throw new KernelException(KernelException.Kind.AGENT_FAILED, what + " failed: " + r);
    }
}
