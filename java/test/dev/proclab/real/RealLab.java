package dev.proclab.real;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lab written inline in a test and run step by step on the real kernel, keeping every observation
 * by "proc.field" (latest wins) and every host pid the lab ever had, so the test can check the kernel
 * independently and prove that nothing is left after close().
 */
final class RealLab implements AutoCloseable {
    final RealKernel kernel;
    final Lab lab;
    final Map<String, Object> seen = new HashMap<>();
    final List<StepResult> results = new ArrayList<>();
    final Set<Long> hostPids = new java.util.HashSet<>();

    RealLab(String yaml) throws Exception {
        lab = LabParser.parse(yaml, "inline-test-lab");
        kernel = new RealKernel(agent());
        kernel.begin(lab.sandbox());
    }

    static Path agent() {
        String p = System.getProperty("proclab.agent");
        assertNotNull(p, "surefire sets proclab.agent");
        return Path.of(p);
    }

    /** Runs every step; returns this for chaining. */
    RealLab run() throws KernelException {
        for (Step s : lab.steps()) {
            StepResult r = kernel.apply(s);
            results.add(r);
            for (Observation o : r.observations()) seen.put(o.subject() + "." + o.field(), o.isSkipped() ? "skipped: " + o.skipped() : o.value());
            remember();
        }
        return this;
    }

    Object get(String key) {
        if (!seen.containsKey(key)) throw new AssertionError("the lab did not observe " + key + "; it has " + seen.keySet());
        return seen.get(key);
    }

    /** The host pid of a lab process, from the agent's name table. */
    long hostPid(String name) {
        Long p = kernel.names().hostPid(name);
        assertNotNull(p, "no process named " + name);
        return p;
    }

    /** /proc/PID/stat read by the test itself, not by the agent: an independent witness. */
    static ProcStat statOf(long hostPid) throws IOException {
        return ProcStat.parse(ProcFiles.read(ProcPaths.stat(hostPid)));
    }

    private void remember() {
        for (String n : kernel.names().names()) {
            Long p = kernel.names().hostPid(n);
            if (p != null && !n.equals("agent")) hostPids.add(p);
        }
    }

    /** Host pids of the lab that still exist as this lab's processes (same start time would be ideal; any live pid is suspicious). */
    static List<Long> stillThere(Set<Long> pids, long agentPid) {
        List<Long> out = new ArrayList<>();
        for (long p : pids) if (Files.exists(Path.of(ProcPaths.pidDir(p)))) out.add(p);
        if (Files.exists(Path.of(ProcPaths.pidDir(agentPid)))) out.add(agentPid);
        return out;
    }

    @Override
    public void close() {
        remember();
        kernel.close();
    }
}
