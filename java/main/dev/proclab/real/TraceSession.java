package dev.proclab.real;

import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The kernel subject's tracing switched on and off around a workload, for `proclab bench trace`: the
 * same instance, tracepoints and filters a lab's kernel label sets up.
 */
public final class TraceSession {
    private final KernelTracer tracer;

    public TraceSession(AgentConnection agent) {
        List<Event> ignored = new ArrayList<>();
        this.tracer = new KernelTracer(c -> agent.call(c, 60_000, ignored), new NameTable());
    }

    /** Switches on what the kernel fields of these families need; null, or why tracing cannot run here. */
    public String start(Set<String> families) throws KernelException {
        return tracer.start(families);
    }

    /** Reads the buffers empty: {bytes of records read, events lost so far}. */
    public long[] drain() throws KernelException {
        return tracer.drainCount();
    }

    /** Switches everything off and removes the instance. */
    public void stop() throws KernelException {
        tracer.stop();
    }
}
