package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One running proclab-agent and its line protocol (docs/protocol.md). The agent leads its own
 * session and process group, so closing kills that group too: nothing it started outlives us.
 */
public final class AgentConnection implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode EOF = JSON.createObjectNode().put("type", "eof");

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final JsonNode hello;
    private final Thread shutdownHook;
    private int req;
    private boolean closed;

    private AgentConnection(Process process) throws KernelException {
        this.process = process;
        this.stdin = process.getOutputStream();
        startReader("proclab-agent stdout", process.getInputStream(), true);
        startReader("proclab-agent stderr", process.getErrorStream(), false);
        shutdownHook = new Thread(this::kill, "proclab-agent killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        JsonNode first = next(5000);
        if (!"hello".equals(first.path("type").asText())) {
            close();
            throw new KernelException(KernelException.Kind.AGENT_FAILED, "proclab-agent did not say hello" + stderrSummary());
        }
        hello = first;
    }

    /** Starts the agent. Call from a thread that outlives it: PR_SET_PDEATHSIG follows the starting thread. */
    public static AgentConnection start(Path agent) throws KernelException {
        try {
            ProcessBuilder pb = new ProcessBuilder(agent.toString());
            pb.environment().put("LC_ALL", "C");
            return new AgentConnection(pb.start());
        } catch (IOException e) {
            throw new KernelException(KernelException.Kind.AGENT_FAILED, "cannot start " + agent + ": " + e.getMessage(), e);
        }
    }

    public JsonNode hello() {
        return hello;
    }

    public long pid() {
        return process.pid();
    }

    /** Whether the agent has ended with exit status 0 (it then tore down everything it had made). */
    public boolean endedCleanly() {
        return !process.isAlive() && process.exitValue() == 0;
    }

    /** A command's result; events that came before it are added to {@code events}. */
    public JsonNode call(String command, long timeoutMs, List<Event> events) throws KernelException {
        return callRaw(command.getBytes(StandardCharsets.UTF_8), command, timeoutMs, events);
    }

    /**
     * As {@link #call}, but the line goes out as these very bytes (no newline in them): the way to send
     * what no Java string encodes, invalid UTF-8. {@code command} names the line in messages.
     */
    public JsonNode callRaw(byte[] line, String command, long timeoutMs, List<Event> events) throws KernelException {
        if (closed) throw new KernelException(KernelException.Kind.AGENT_FAILED, "proclab-agent is closed");
        int myReq = ++req;
        try {
            byte[] out = java.util.Arrays.copyOf(line, line.length + 1);
            out[line.length] = '\n';
            stdin.write(out);
            stdin.flush();
        } catch (IOException e) {
            throw died("while sending `" + command + "`");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new KernelException(KernelException.Kind.TIMEOUT,
                        "proclab-agent gave no answer to `" + abbreviate(command) + "` within " + timeoutMs + " ms");
            }
            JsonNode n = next(left);
            if (n == null) continue;
            if (n == EOF) throw died("during `" + abbreviate(command) + "`");
            String type = n.path("type").asText();
            if ("event".equals(type)) {
                events.add(toEvent(n));
            } else if (("result".equals(type) || "error".equals(type)) && n.path("req").asInt() == myReq) {
                if ("error".equals(type)) {
                    throw new KernelException(KernelException.Kind.BAD_STEP,
                            "proclab-agent refused `" + abbreviate(command) + "`: " + n.path("message").asText());
                }
                return n;
            }
        }
    }

    /**
     * Sends a command whose events matter as they come (watch): each event goes to {@code onEvent} at
     * once, on this thread, and the command's result is returned. There is no timeout: the command
     * runs as long as what it watches; the agent's death ends it too.
     */
    public JsonNode stream(String command, java.util.function.Consumer<JsonNode> onEvent) throws KernelException {
        if (closed) throw new KernelException(KernelException.Kind.AGENT_FAILED, "proclab-agent is closed");
        int myReq = ++req;
        send(command);
        while (true) {
            JsonNode n = next(1000);
            if (n == null) continue;
            if (n == EOF) throw died("during `" + abbreviate(command) + "`");
            String type = n.path("type").asText();
            if ("event".equals(type)) {
                onEvent.accept(n);
            } else if (("result".equals(type) || "error".equals(type)) && n.path("req").asInt() == myReq) {
                if ("error".equals(type)) {
                    throw new KernelException(KernelException.Kind.BAD_STEP,
                            "proclab-agent refused `" + abbreviate(command) + "`: " + n.path("message").asText());
                }
                return n;
            }
        }
    }

    /** Writes one line to the agent and waits for nothing (`stop` during a watch; it is not a command). */
    public void send(String line) throws KernelException {
        try {
            synchronized (stdin) {
                stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException e) {
            throw died("while sending `" + abbreviate(line) + "`");
        }
    }

    private static Event toEvent(JsonNode n) {
        String kind = n.path("event").asText();
        String text = n.has("text") ? n.get("text").asText()
                : n.has("child") ? n.get("child").asText() : n.path("message").asText("");
        // the tail of a long output: the agent kept its head and tail, and counted what it left out
        if (n.has("dropped")) text = "[" + n.get("dropped").asLong() + " bytes left out]\n" + text;
        return new Event(n.path("name").asText(null), kind, text);
    }

    private JsonNode next(long timeoutMs) throws KernelException {
        try {
            return lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(KernelException.Kind.AGENT_FAILED, "interrupted");
        }
    }

    private KernelException died(String when) {
        String exit = "";
        try {
            if (process.waitFor(500, TimeUnit.MILLISECONDS)) exit = " (exit status " + process.exitValue() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new KernelException(KernelException.Kind.AGENT_FAILED, "proclab-agent died " + when + exit + stderrSummary());
    }

    private String stderrSummary() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : "; it said: " + String.join(" | ", stderrTail);
        }
    }

    private void startReader(String name, java.io.InputStream in, boolean protocol) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (protocol) {
                        try {
                            lines.add(JSON.readTree(line));
                        } catch (IOException e) {
                            lines.add(JSON.createObjectNode().put("type", "garbage").put("text", line));
                        }
                    } else {
                        synchronized (stderrTail) {
                            stderrTail.add(line);
                            if (stderrTail.size() > 5) stderrTail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the agent is gone; EOF below says so
            } finally {
                if (protocol) lines.add(EOF);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Ends the agent: stdin EOF first (it kills and reaps its lab), then SIGKILL to its group. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) kill();
            process.waitFor(2, TimeUnit.SECONDS);
            // An agent that did not end cleanly (killed, crashed) could not kill its lab: do it here.
            // Its process group outlives it while members remain, so the group id cannot have been reused.
            if (!process.isAlive() && process.exitValue() != 0) Posix.killGroup(process.pid(), Posix.SIGKILL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }

    /** SIGTERM first: the agent then kills and reaps its lab and removes its cgroup; SIGKILL to the group if it does not. */
    private void kill() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (process.waitFor(2, TimeUnit.SECONDS) && process.exitValue() == 0) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Posix.killGroup(process.pid(), Posix.SIGKILL);
        process.destroyForcibly();
    }

    public List<String> stderrLines() {
        synchronized (stderrTail) {
            return new ArrayList<>(stderrTail);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
