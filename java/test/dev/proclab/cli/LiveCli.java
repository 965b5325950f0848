package dev.proclab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * proclab's command line in a JVM of its own, talked to while it runs: what it printed so far, a
 * line typed on its standard input. For the tests that look at a lab while it is stopped.
 */
final class LiveCli implements AutoCloseable {
    private final Process p;
    private final OutputStream in;
    private final StringBuffer out = new StringBuffer();
    private final Thread reader;

    private LiveCli(Process p) {
        this.p = p;
        this.in = p.getOutputStream();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                int c;
                while ((c = r.read()) >= 0) out.append((char) c);
            } catch (IOException e) {
                // the process ended
            }
        }, "live-cli-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code proclab ARGS} with the test's agent; {@code env} adds to the environment. */
    static LiveCli start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dproclab.agent=" + System.getProperty("proclab.agent"),
                "-Dproclab.home=" + System.getProperty("proclab.home", "."), "dev.proclab.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("COLUMNS");
        pb.environment().putAll(env);
        return new LiveCli(pb.start());
    }

    /** Waits until the output so far holds {@code n} copies of {@code text}; returns the output. */
    String await(String text, int n, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String s = out.toString();
            if (count(s, text) >= n) return s;
            if (!p.isAlive() && !reader.isAlive()) break;
            Thread.sleep(20);
        }
        throw new AssertionError("no " + n + " x '" + text + "' within " + seconds + " s; output:\n" + out);
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    void type(String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Closes standard input and waits for the exit code. */
    int finish(long seconds) throws Exception {
        in.close();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("still running after " + seconds + " s:\n" + out);
        reader.join(5000);
        return p.exitValue();
    }

    String output() {
        return out.toString();
    }

    long pid() {
        return p.pid();
    }

    @Override
    public void close() {
        if (p.isAlive()) p.destroyForcibly();
    }
}
