package dev.proclab.real;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An agent that was killed (SIGKILL, a crash) could not remove its tracefs instance; the instance
 * outlives it. `proclab-agent --trace-clean` removes the instances of agents that are gone (it mounts
 * tracefs in a mount namespace of its own if need be, and leaves the rest of the machine as it was).
 * Agents do the same when they open tracing, so a crash is cleaned up at the latest by the next run.
 */
public final class TraceCleaner {
    private TraceCleaner() {}

    /** Runs the cleanup; true when it says it succeeded. Never throws. */
    public static boolean clean(Path agent) {
        try {
            Process p = new ProcessBuilder(agent.toString(), "--trace-clean").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && out.contains("\"ok\":true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
