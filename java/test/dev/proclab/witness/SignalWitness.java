package dev.proclab.witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own record of who signalled whom: a tracefs instance of its own (perf-tools style)
 * with signal_generate, and sched_process_fork to know which processes this JVM started (the
 * agents and their labs, whatever they fork, transitively: other programs on the machine, other
 * proclab runs among them, are not ours). The top-level tracing settings are never touched; the
 * instance (and a mount this made) goes on close.
 */
final class SignalWitness implements AutoCloseable {
    static final String PREFIX = "proclab-witness-";

    /** One signal_generate: who sent (common_pid), which signal, to which task (a global pid). */
    record Signal(long from, String fromComm, int sig, long to, String toComm, int result) {}

    private final Path mount;
    private final boolean mounted;
    private final Path instance;

    private SignalWitness(Path mount, boolean mounted, Path instance) {
        this.mount = mount;
        this.mounted = mounted;
        this.instance = instance;
    }

    /** Needs root; mounts tracefs when it is not mounted. */
    static SignalWitness start() throws IOException, InterruptedException {
        Path mount = mounted();
        boolean ours = false;
        if (mount == null) {
            mount = Files.createTempDirectory("proclab-tracefs-");
            run("mount", "-t", "tracefs", "nodev", mount.toString());
            ours = true;
        }
        Path instances = mount.resolve("instances");
        // instances of earlier runs that were killed before they could clean up
        try (var old = Files.newDirectoryStream(instances, PREFIX + "*")) {
            for (Path p : old) removeInstance(p);
        }
        Path inst = instances.resolve(PREFIX + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(inst);
        SignalWitness w = new SignalWitness(mount, ours, inst);
        write(inst.resolve("buffer_size_kb"), "16384");
        write(inst.resolve("trace_clock"), "mono");
        for (String e : List.of("signal/signal_generate", "sched/sched_process_fork")) {
            write(inst.resolve("events/" + e + "/enable"), "1");
        }
        write(inst.resolve("tracing_on"), "1");
        return w;
    }

    private static Path mounted() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("tracefs")) return Path.of(f[1]);
        }
        return null;
    }

    /** Every event in the buffer so far, and a check that none was lost; {@code roots}: this JVM's tasks. */
    Record read(Set<Long> roots) throws IOException {
        write(instance.resolve("tracing_on"), "0");
        long lost = 0;
        try (var cpus = Files.newDirectoryStream(instance.resolve("per_cpu"))) {
            for (Path cpu : cpus) {
                for (String l : Files.readAllLines(cpu.resolve("stats"))) {
                    if (l.startsWith("overrun:") || l.startsWith("dropped events:")) lost += Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        }
        return Record.parse(Files.readString(instance.resolve("trace"), StandardCharsets.UTF_8), roots, lost);
    }

    /** What the trace says: the signals, and the processes descended from the roots (the roots not included). */
    record Record(List<Signal> signals, Set<Long> labPids, long lost) {
        private static final Pattern EVENT = Pattern.compile("^\\s*(.+?)-(\\d+)\\s+\\[\\d+\\].*?:\\s+(\\w+):\\s+(.*)$");
        private static final Pattern GEN = Pattern.compile("sig=(\\d+) errno=-?\\d+ code=-?\\d+ comm=(.*) pid=(\\d+) grp=\\d+ res=(\\d+)");
        private static final Pattern FORK = Pattern.compile("comm=.* pid=(\\d+) child_comm=.* child_pid=(\\d+)");
        static Record parse(String text, Set<Long> roots, long lost) {
            List<Signal> sigs = new ArrayList<>();
            Set<Long> lab = new HashSet<>();
            for (String line : text.split("\n")) {
                Matcher m = EVENT.matcher(line);
                if (!m.matches()) continue;
                String what = m.group(3), args = m.group(4);
                if (what.equals("signal_generate")) {
                    Matcher g = GEN.matcher(args);
                    if (g.find()) sigs.add(new Signal(Long.parseLong(m.group(2)), m.group(1).trim(), Integer.parseInt(g.group(1)),
                            Long.parseLong(g.group(3)), g.group(2), Integer.parseInt(g.group(4))));
                } else if (what.equals("sched_process_fork")) {
                    Matcher f = FORK.matcher(args);
                    // events come in time order: a parent is known before it forks
                    if (f.find()) {
                        long parent = Long.parseLong(f.group(1));
                        if (roots.contains(parent) || lab.contains(parent)) lab.add(Long.parseLong(f.group(2)));
                    }
                }
            }
            return new Record(sigs, lab, lost);
        }

        /** The signals a lab process (or the agent, on the lab's behalf) sent. */
        List<Signal> sentByLabs() {
            return signals.stream().filter(s -> labPids.contains(s.from())).toList();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        removeInstance(instance);
        if (mounted) {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static void removeInstance(Path inst) throws IOException {
        try {
            write(inst.resolve("tracing_on"), "0");
            try (var systems = Files.newDirectoryStream(inst.resolve("events"), Files::isDirectory)) {
                for (Path sys : systems) write(sys.resolve("enable"), "0");
            }
        } catch (IOException e) {
            // half made: rmdir below says whether it can go
        }
        Files.deleteIfExists(inst); // rmdir of an instance removes it with its files
    }

    private static void write(Path p, String v) throws IOException {
        Files.writeString(p, v);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
    }
}
