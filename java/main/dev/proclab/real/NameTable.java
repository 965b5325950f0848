package dev.proclab.real;

import java.util.HashMap;
import java.util.Map;

/** Lab names against pids: the agent's (host) view and the lab's own (namespace) view. */
public final class NameTable {
    private final Map<Long, String> byHost = new HashMap<>();
    private final Map<Long, String> byNs = new HashMap<>();
    private final Map<String, Long> hostOf = new HashMap<>();

    void put(String name, long nsPid, long hostPid) {
        byHost.put(hostPid, name);
        byNs.put(nsPid, name);
        hostOf.put(name, hostPid);
    }

    public String byHost(long hostPid) {
        return byHost.get(hostPid);
    }

    public String byNs(long nsPid) {
        return byNs.get(nsPid);
    }

    public Long hostPid(String name) {
        return hostOf.get(name);
    }

    public Iterable<String> names() {
        return hostOf.keySet();
    }
}
