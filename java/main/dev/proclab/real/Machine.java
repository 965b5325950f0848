package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Capability;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import dev.proclab.proc.ProcStack;
import dev.proclab.proc.Smaps;

/**
 * This machine as the real side sees it: kernel release, architecture, each capability (found out by
 * the agent trying it), facts the model is told (read_fault_zero_page: whether a read of
 * never-written anonymous memory maps the shared zero page), and a fresh lab process as the kernel
 * keeps it ({@code image}, null when unknown).
 */
public record Machine(String release, String machine, Map<Capability, Probe> capabilities, Map<String, Boolean> facts, Image image) {
    public Machine(String release, String machine, Map<Capability, Probe> capabilities) {
        this(release, machine, capabilities, Map.of(), null);
    }

    /** A fact the agent found out, or null when it did not. */
    public Boolean fact(String name) {
        return facts.get(name);
    }

    /**
     * A fresh lab process (main, idle in its command loop): its VMAs, those with anonymous pages, and
     * where it sleeps (wchan; kstack is null when /proc/PID/stack is not readable: it needs root).
     */
    public record Image(int vmas, int anonVmas, String idleWchan, List<String> idleKstack) {}

    public boolean has(Capability c) {
        Probe p = capabilities.get(c);
        return p != null && p.ok();
    }

    /** A machine that is not Linux: no real side at all. */
    public static Machine notLinux() {
        Map<Capability, Probe> caps = new EnumMap<>(Capability.class);
        String os = System.getProperty("proclab.os", System.getProperty("os.name"));
        for (Capability c : Capability.values()) caps.put(c, new Probe(false, "not Linux (" + os + ")"));
        return new Machine(System.getProperty("os.version"), System.getProperty("os.arch"), caps, Map.of(), null);
    }

    /** Starts an agent, asks it to probe, and ends it. */
    public static Machine probe(Path agentPath) throws KernelException {
        if (!Posix.isLinux()) return notLinux();
        try (AgentConnection agent = AgentConnection.start(agentPath)) {
            JsonNode hello = agent.hello();
            JsonNode r = agent.call("probe", 20_000, new ArrayList<Event>());
            Map<Capability, Probe> caps = new EnumMap<>(Capability.class);
            caps.put(Capability.LINUX, new Probe(true, "os.name is " + System.getProperty("os.name") + " and proclab-agent runs"));
            JsonNode c = r.path("caps");
            for (Capability cap : Capability.values()) {
                if (cap == Capability.LINUX) continue;
                JsonNode p = c.get(cap.id());
                caps.put(cap, p == null ? new Probe(false, "the agent did not probe it")
                        : new Probe(p.path("ok").asBoolean(), p.path("how").asText("")));
            }
            Map<String, Boolean> facts = new java.util.LinkedHashMap<>();
            r.path("facts").fields().forEachRemaining(e -> facts.put(e.getKey(), e.getValue().asBoolean()));
            return new Machine(hello.path("release").asText(), hello.path("machine").asText(), caps, Map.copyOf(facts), image(agent));
        }
    }

    /** Starts main in the probing agent and looks at it: the lab image the model is told about. */
    private static Image image(AgentConnection agent) {
        try {
            List<Event> ignored = new ArrayList<>();
            if (!agent.call("start", 10_000, ignored).path("ok").asBoolean()) return null;
            JsonNode img = agent.call("image main", 10_000, ignored);
            // main is back in its command loop a moment after start: until then wchan reads 0
            JsonNode obs = agent.call("observe main", 10_000, ignored);
            for (int i = 0; i < 50 && obs.has("wchan") && ProcStack.wchan(obs.get("wchan").asText()) == null; i++) {
                Thread.sleep(10);
                obs = agent.call("observe main", 10_000, ignored);
            }
            if (!img.path("ok").asBoolean() || !img.has("smaps") || !obs.has("wchan")) return null;
            Smaps.Summary s = Smaps.parse(img.get("smaps").asText());
            List<String> stack = obs.has("stack") ? ProcStack.frames(obs.get("stack").asText()) : null;
            return new Image(s.vmas(), s.anonymous(), ProcStack.wchan(obs.get("wchan").asText()), stack == null || stack.isEmpty() ? null : stack);
        } catch (KernelException e) {
            return null; // the defaults stand
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
