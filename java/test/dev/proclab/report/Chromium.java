package dev.proclab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium driven over the DevTools protocol (a WebSocket on the loopback, the
 * JDK's own client): load a page, evaluate, click with the mouse at a point, take a screenshot.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> waiting;

    private Chromium(Process process, WebSocket ws, Map<Integer, CompletableFuture<JsonNode>> waiting) {
        this.process = process;
        this.ws = ws;
        this.waiting = waiting;
    }

    static Chromium open(Path profile, String url) throws Exception {
        Files.createDirectories(profile);
        Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1200,1600", url)
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > end || !p.isAlive()) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not start: " + Files.readString(profile.resolveSibling("chromium.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        String ws = null;
        while (ws == null) {
            JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode t : list) if (t.path("type").asText().equals("page")) ws = t.get("webSocketDebuggerUrl").asText();
            if (ws == null) Thread.sleep(50);
        }
        Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        return new Chromium(p, http.newWebSocketBuilder().buildAsync(URI.create(ws), listener(waiting)).get(30, TimeUnit.SECONDS), waiting);
    }

    /** Answers go to whoever waits for their id; events are dropped. */
    private static WebSocket.Listener listener(Map<Integer, CompletableFuture<JsonNode>> waiting) {
        StringBuilder frame = new StringBuilder();
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    try {
                        JsonNode n = JSON.readTree(frame.toString());
                        CompletableFuture<JsonNode> f = waiting.remove(n.path("id").asInt(-1));
                        if (f != null) f.complete(n);
                    } catch (Exception e) {
                        // an event we do not wait for
                    }
                    frame.setLength(0);
                }
                w.request(1);
                return null;
            }
        };
    }

    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        waiting.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params == null ? JSON.createObjectNode() : params);
        ws.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
        JsonNode r = f.get(60, TimeUnit.SECONDS);
        if (r.has("error")) throw new AssertionError(method + ": " + r.get("error"));
        return r.path("result");
    }

    /** A JavaScript expression's value (strings, numbers, booleans, or JSON.stringify it yourself). */
    JsonNode eval(String js) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", js).put("returnByValue", true));
        if (r.has("exceptionDetails")) throw new AssertionError(js + ": " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** A left click with the mouse at the middle of the element the CSS selector finds (scrolled into view). */
    void click(String selector) throws Exception {
        JsonNode box = JSON.readTree(eval("(function(){var e=document.querySelector(" + JSON.writeValueAsString(selector)
                + ");e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();return JSON.stringify({x:r.x+r.width/2,y:r.y+r.height/2});})()").asText());
        for (String type : new String[] {"mousePressed", "mouseReleased"}) {
            call("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type).put("x", box.get("x").asDouble())
                    .put("y", box.get("y").asDouble()).put("button", "left").put("clickCount", 1));
        }
    }

    byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")).get("data").asText());
    }

    /** Ends the browser and every helper it started (zygotes, crashpad), so that nothing writes in its profile after. */
    @Override
    public void close() throws Exception {
        java.util.List<ProcessHandle> helpers = process.descendants().toList();
        try {
            ws.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle h : helpers) h.destroyForcibly();
            for (ProcessHandle h : helpers) h.onExit().get(10, TimeUnit.SECONDS);
        }
    }
}
