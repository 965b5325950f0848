package dev.proclab.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.WaitStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thing the agent saw of a watched program (docs/protocol.md, `watch`): fork, exec, exit, state,
 * reap, or the program's output. {@code tUs} is microseconds since the program's fork; {@code status}
 * is the raw wait status where known; {@code zombieUs} how long a reaped process was a zombie.
 */
public record WatchEvent(long tUs, String event, long pid, Long ppid, String comm, List<String> argv, Integer status,
                         String state, boolean byAgent, Long zombieUs, String text) {

    /** An agent event line, its time counted from {@code t0Ns} (CLOCK_MONOTONIC). */
    public static WatchEvent of(JsonNode n, long t0Ns) {
        List<String> argv = null;
        if (n.has("argv")) {
            argv = new ArrayList<>();
            for (JsonNode a : n.get("argv")) argv.add(a.asText());
        }
        return new WatchEvent((n.path("at").asLong(t0Ns) - t0Ns) / 1000, n.path("event").asText(), n.path("pid").asLong(),
                n.has("ppid") ? n.get("ppid").asLong() : null, n.has("comm") ? n.get("comm").asText() : null, argv,
                n.has("status") ? n.get("status").asInt() : null, n.has("state") ? n.get("state").asText() : null,
                n.path("by_agent").asBoolean(false), n.has("zombie_ns") ? n.get("zombie_ns").asLong() / 1000 : null,
                n.has("text") ? n.get("text").asText() : null);
    }

    /** The line of {@code watch --json}: t_us, event, pid, and ppid, comm, status with code or signal, state where they apply. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t_us", tUs);
        m.put("event", event);
        m.put("pid", pid);
        if (ppid != null) m.put("ppid", ppid);
        if (comm != null) m.put("comm", comm);
        if (argv != null) m.put("argv", argv);
        if (state != null) m.put("state", state);
        if (status != null) {
            m.put("status", status);
            Map<String, Object> d = WaitStatus.decode(pid, status);
            if (Boolean.TRUE.equals(d.get("exited"))) m.put("code", d.get("code"));
            else if (d.get("signal") != null) m.put("signal", d.get("signal"));
        }
        if (event.equals("reap")) {
            m.put("zombie_us", zombieUs);
            m.put("by_agent", byAgent);
        }
        return m;
    }

    /** A wait status in words: "exited 1 (status 256)", "killed by SIGKILL (status 9)". */
    public static String decode(Integer status) {
        if (status == null) return "status unknown";
        Map<String, Object> d = WaitStatus.decode(1L, status);
        if (Boolean.TRUE.equals(d.get("exited"))) return "exited " + d.get("code") + " (status " + status + ")";
        if (Boolean.TRUE.equals(d.get("signaled"))) return "killed by " + d.get("signal") + " (status " + status + ")";
        return "status " + status;
    }
}
