package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Capability;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;

/**
 * This machine as the real side sees it: kernel release, architecture, each capability (found out by
 * the agent trying it), and facts the model is told (read_fault_zero_page: whether a read of
 * never-written anonymous memory maps the shared zero page).
 */
public record Machine(String release, String machine, Map<Capability, Probe> capabilities, Map<String, Boolean> facts) {
    public Machine(String release, String machine, Map<Capability, Probe> capabilities) {
        this(release, machine, capabilities, Map.of());
    }

    /** A fact the agent found out, or null when it did not. */
    public Boolean fact(String name) {
        return facts.get(name);
    }

    public boolean has(Capability c) {
        Probe p = capabilities.get(c);
        return p != null && p.ok();
    }

    /** A machine that is not Linux: no real side at all. */
    public static Machine notLinux() {
        Map<Capability, Probe> caps = new EnumMap<>(Capability.class);
        String os = System.getProperty("proclab.os", System.getProperty("os.name"));
        for (Capability c : Capability.values()) caps.put(c, new Probe(false, "not Linux (" + os + ")"));
        return new Machine(System.getProperty("os.version"), System.getProperty("os.arch"), caps);
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
            return new Machine(hello.path("release").asText(), hello.path("machine").asText(), caps, Map.copyOf(facts));
        }
    }
}
