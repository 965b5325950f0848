package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.TaskView;
import dev.proclab.proc.ProcStat;
import dev.proclab.proc.ProcStatus;
import dev.proclab.proc.SlabInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** This machine's kernel, through proclab-agent. Every system call happens in the agent; this class only talks. */
public final class RealKernel implements Kernel {
    private static final long CALL_TIMEOUT_MS = 15_000;
    /** How long past the lab's deadline the agent may take to answer (it stops waiting at the deadline itself). */
    private static final long DEADLINE_SLACK_MS = 700;

    private final Path agentPath;
    private AgentConnection agent;
    private final NameTable names = new NameTable();
    private final Map<String, Map<String, SlabInfo.Cache>> slabLabels = new HashMap<>();
    private final SystemFields system = new SystemFields();
    private KernelTracer tracer;
    private boolean pidNamespace;
    private java.nio.file.Path cgroup;
    private boolean namesStale;
    private long deadlineNanos;
    private boolean hasDeadline;

    public RealKernel(Path agentPath) {
        this.agentPath = agentPath;
    }

    @Override
    public String name() {
        return "real";
    }

    @Override
    public void deadline(long nanoTime) {
        deadlineNanos = nanoTime;
        hasDeadline = true;
        if (agent == null) return; // said at begin
        try {
            call("deadline " + Math.max(1, remainingMs()), new ArrayList<>());
        } catch (KernelException e) {
            // the agent is gone: the next step says so
        }
    }

    @Override
    public void begin(Sandbox sandbox) throws KernelException {
        agent = AgentConnection.start(agentPath);
        if (hasDeadline) call("deadline " + Math.max(1, remainingMs()), new ArrayList<>());
        names.put("agent", agent.hello().path("pid").asLong(), agent.hello().path("pid").asLong());
        pidNamespace = sandbox.pidNamespace();
        if (sandbox.isolated() || sandbox.pidMax() != null || sandbox.userNamespace()) {
            StringBuilder cmd = new StringBuilder("sandbox");
            if (sandbox.pidNamespace()) cmd.append(" pidns");
            if (sandbox.userNamespace()) cmd.append(" userns");
            if (sandbox.pidMax() != null) cmd.append(" pid_max=").append(sandbox.pidMax());
            if (sandbox.pidsMax() != null) cmd.append(" pids_max=").append(sandbox.pidsMax());
            JsonNode r = call(cmd.toString(), new ArrayList<>());
            String cg = r.path("cgroup").asText(null);
            if (cg != null && cg.startsWith("/sys/fs/cgroup/") && cg.contains("/proclab-")) cgroup = java.nio.file.Path.of(cg);
            if (!r.path("ok").asBoolean()) {
                throw new KernelException(KernelException.Kind.UNSUPPORTED,
                        "the sandbox could not be made: " + r.path("message").asText(r.path("errno").asText()));
            }
        }
        JsonNode main = call("start", new ArrayList<>());
        if (!main.path("ok").asBoolean()) {
            throw new KernelException(KernelException.Kind.AGENT_FAILED, "main could not be started: " + main.path("errno").asText());
        }
        bind(main);
    }

    @Override
    public StepResult apply(Step step) throws KernelException {
        List<Event> events = new ArrayList<>();
        if (step instanceof Step.Observe o) {
            List<Observation> obs = observe(o, events);
            return new StepResult(null, obs, events);
        }
        long timeout = CALL_TIMEOUT_MS;
        if (step instanceof Step.Repeat r) timeout += (long) r.times() * countSteps(r.steps()) * 5;
        if (step instanceof Step.Pause p) timeout += p.duration().millis();
        JsonNode r = agent.call(Commands.of(step), callTimeout(timeout), events);
        String proc = step.proc();
        if (r.path("timeout").asBoolean()) {
            throw new KernelException(KernelException.Kind.TIMEOUT, r.path("budget").asBoolean()
                    ? r.path("message").asText("the lab's time budget ran out")
                    : "step " + step.action() + " did not settle: " + r.path("message").asText());
        }
        if (r.has("note")) events.add(new Event(proc, "note", r.get("note").asText()));
        if (r.has("taken") && !r.get("taken").asBoolean()) {
            // the process could not take the step (blocked, or gone): nothing happened, the lab goes on
            events.add(new Event(proc, r.path("blocked").asBoolean() ? Event.BLOCKED : Event.NOT_TAKEN, r.path("message").asText()));
            return new StepResult(null, List.of(), events);
        }
        if (r.path("blocked").asBoolean()) {
            events.add(new Event(proc, Event.BLOCKS, step instanceof Step.Exec
                    ? proc + " blocks in execve(): de_thread waits for its traced zombie thread to be released; the exec goes on then"
                    : step instanceof Step.Ptrace
                    ? proc + " blocks in ptrace(PTRACE_SEIZE): an exec of its target's group holds cred_guard_mutex; the call returns then"
                    : proc + " blocks in waitpid(): the wait returns later"));
        }
        if (r.has("host_pid") && r.has("name")) bind(r);
        if (step instanceof Step.Repeat) namesStale = true;
        String errno = r.path("ok").asBoolean() ? null : r.path("errno").asText(null);
        if (step instanceof Step.Repeat && errno == null && r.path("failed").asInt() > 0) errno = r.path("errno").asText(null);
        return new StepResult(errno, List.of(), events);
    }

    private long remainingMs() {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    /** A call waits no longer than the lab's budget (and a little for the agent's answer); without one, as given. */
    private long callTimeout(long without) {
        return hasDeadline ? Math.max(1, remainingMs()) + DEADLINE_SLACK_MS : without;
    }

    private static int countSteps(List<Step> steps) {
        int n = 0;
        for (Step s : steps) n += s instanceof Step.Repeat r ? r.times() * countSteps(r.steps()) : 1;
        return Math.max(n, 1);
    }

    private void bind(JsonNode r) {
        names.put(r.get("name").asText(), r.path("pid").asLong(), r.path("host_pid").asLong());
    }

    private void refreshNames(List<Event> events) throws KernelException {
        if (!namesStale) return;
        JsonNode r = call("names", events);
        for (JsonNode row : r.path("names")) names.put(row.get(0).asText(), row.get(1).asLong(), row.get(2).asLong());
        namesStale = false;
    }

    private JsonNode call(String command, List<Event> events) throws KernelException {
        return agent.call(command, hasDeadline ? callTimeout(CALL_TIMEOUT_MS) : CALL_TIMEOUT_MS, events);
    }

    private List<Observation> observe(Step.Observe o, List<Event> events) throws KernelException {
        refreshNames(events);
        List<Observation> out = new ArrayList<>();
        if (!o.kernel().isEmpty()) {
            if (tracer == null) tracer = new KernelTracer(c -> call(c, events), names);
            out.addAll(tracer.observe(o));
        } else if (!o.procs().isEmpty()) {
            Set<String> regions = new LinkedHashSet<>();
            for (String f : o.fields()) if (f.startsWith("frames.")) regions.add(f.substring("frames.".length()));
            for (String proc : o.procs()) {
                JsonNode raw = call("observe " + proc + (regions.isEmpty() ? "" : " " + String.join(" ", regions)), events);
                RawProcess p = new RawProcess(raw, names, pidNamespace);
                for (String f : o.fields()) out.add(p.field(proc, f));
            }
        } else if (o.hostPid() != null) {
            String subject = "pid " + o.hostPid();
            JsonNode raw = call("observe-pid " + o.hostPid(), events);
            RawProcess p = new RawProcess(raw, names, pidNamespace);
            for (String f : o.fields()) out.add(p.field(subject, f));
        } else if (!o.system().isEmpty()) {
            out.addAll(system.read(o, call("system", events)));
        } else if (!o.slab().isEmpty()) {
            out.addAll(slab(o, events));
        }
        return out;
    }

    private List<Observation> slab(Step.Observe o, List<Event> events) throws KernelException {
        JsonNode r = call("slabinfo", events);
        List<Observation> out = new ArrayList<>();
        if (!r.path("ok").asBoolean() || !r.has("text")) {
            String why = "/proc/slabinfo is not readable (" + r.path("errno").asText("unknown") + "; it needs root)";
            for (String c : o.slab()) for (String f : Fields.slabFields(o)) out.add(Observation.skip("slab", c + "." + f, why));
            return out;
        }
        Map<String, SlabInfo.Cache> now = SlabInfo.parse(r.get("text").asText());
        if (o.label() != null) slabLabels.put(o.label(), now);
        Map<String, SlabInfo.Cache> base = o.since() == null ? null : slabLabels.get(o.since());
        for (String c : o.slab()) {
            SlabInfo.Cache cache = now.get(c);
            for (String f : Fields.slabFields(o)) {
                String field = c + "." + f;
                if (cache == null) {
                    out.add(Observation.skip("slab", field, "no cache " + c + " in /proc/slabinfo (SLUB may have merged it into another)"));
                } else if (base != null) {
                    SlabInfo.Cache b = base.get(c);
                    out.add(b == null ? Observation.skip("slab", field, "no cache " + c + " at label " + o.since())
                            : Observation.of("slab", field, cache.field(f) - b.field(f)));
                } else {
                    out.add(Observation.of("slab", field, cache.field(f)));
                }
            }
        }
        return out;
    }

    @Override
    public List<TaskView> tasks() throws KernelException {
        List<Event> ignored = new ArrayList<>();
        JsonNode r = call("names", ignored);
        List<TaskView> out = new ArrayList<>();
        for (JsonNode row : r.path("names")) {
            String name = row.get(0).asText();
            names.put(name, row.get(1).asLong(), row.get(2).asLong());
            if (!row.get(3).asBoolean() || name.equals("agent")) continue;
            JsonNode raw = call("observe " + name, ignored);
            if (!raw.path("exists").asBoolean() || !raw.has("stat")) continue;
            ProcStat st = ProcStat.parse(raw.get("stat").asText());
            ProcStatus ss = ProcStatus.parse(raw.path("status").asText(""));
            Object parent = new RawProcess(raw, names, pidNamespace).pidValue(st.ppid());
            out.add(new TaskView(name, row.get(1).asLong(), String.valueOf(parent), String.valueOf(st.state()), (int) ss.threads()));
        }
        return out;
    }

    @Override
    public void close() {
        if (agent != null) agent.close();
        removeCgroup();
        if (tracer != null && tracer.instance() != null && agent != null && !agent.endedCleanly()) TraceCleaner.clean(agentPath);
    }

    /** The agent removes its cgroup as it ends; one that was SIGKILLed cannot, so it is done here. */
    private void removeCgroup() {
        if (cgroup == null || !java.nio.file.Files.isDirectory(cgroup)) return;
        for (int round = 0; round < 50; round++) {
            List<Long> left = dev.proclab.proc.Cgroups.procs(cgroup);
            if (left.isEmpty()) break;
            for (long pid : left) dev.proclab.posix.Posix.kill(pid, dev.proclab.posix.Posix.SIGKILL);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            java.nio.file.Files.deleteIfExists(cgroup); // rmdir: a cgroup goes once no task is in it
        } catch (java.io.IOException e) {
            // still busy (a zombie not yet reaped by init): nothing more we can do from here
        }
    }

    /** The lab's names and pids as the agent reported them (for tests and reports). */
    public NameTable names() {
        return names;
    }

    /** The agent's pid, or -1 before begin(). */
    public long agentPid() {
        return agent == null ? -1 : agent.pid();
    }
}
