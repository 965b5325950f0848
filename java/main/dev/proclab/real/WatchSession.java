package dev.proclab.real;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.kernel.KernelException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A program of the user's, run and watched by proclab-agent (proclab watch; the JVM never forks):
 * the agent's `watch` command, whose events come as they happen (docs/protocol.md).
 */
public final class WatchSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the events come from: the proc connector (exact), /proc (may miss), or the best the machine allows. */
    public enum Source {
        AUTO("auto"), CN_PROC("cn_proc"), PROC("proc");

        private final String word;

        Source(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final AgentConnection agent;

    private WatchSession(AgentConnection agent) {
        this.agent = agent;
    }

    public static WatchSession start(Path agentPath) throws KernelException {
        return new WatchSession(AgentConnection.start(agentPath));
    }

    /**
     * Runs {@code argv} and calls {@code onEvent} with each event line (fork, exec, exit, state, reap,
     * output, source) until the program and every descendant are gone; returns the agent's result.
     */
    public JsonNode run(Source source, List<String> argv, Consumer<JsonNode> onEvent) throws KernelException {
        StringBuilder cmd = new StringBuilder("watch ").append(source.word());
        try {
            for (String a : argv) cmd.append(' ').append(JSON.writeValueAsString(a));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return agent.stream(cmd.toString(), onEvent);
    }

    /** Asks the agent to kill everything the program started; the events of their ends still come. */
    public void stop() {
        try {
            agent.send("stop");
        } catch (KernelException e) {
            // the agent is gone already, and its tree with it
        }
    }

    public long agentPid() {
        return agent.pid();
    }

    @Override
    public void close() {
        agent.close();
    }
}
