package dev.proclab.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's tracing state as a test compares it before and after a run: the top-level settings of
 * tracefs, the instances that exist, and how many tracefs mounts the host has. tracefs is read where
 * the host mounts it, or else through a mount of the test's own in a private mount namespace
 * (unshare -m), so that looking changes nothing.
 */
record TracefsState(String topLevel, List<String> instances, long hostMounts) {
    private static final String DIR = "/sys/kernel/tracing";
    private static final String DUMP = "cd " + DIR + " && echo INSTANCES && ls instances && echo END"
            + " && for f in tracing_on current_tracer trace_clock buffer_size_kb set_event set_event_pid tracing_cpumask"
            + " trace_options events/enable events/kmem/kmem_cache_alloc/enable events/kmem/kmem_cache_alloc/filter"
            + " events/kmem/kmem_cache_alloc/trigger events/sched/sched_process_fork/enable; do echo \"== $f\"; cat $f; done";

    /** Whether a test can look at tracefs here (root, and unshare works). */
    static boolean available() {
        try {
            now();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static TracefsState now() throws Exception {
        String script = "if [ -e " + DIR + "/instances ]; then " + DUMP + "; else mount -t tracefs nodev " + DIR + " && " + DUMP + "; fi";
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("cannot read tracefs: " + out);
        int i = out.indexOf("INSTANCES\n"), e = out.indexOf("END\n");
        List<String> inst = new ArrayList<>();
        for (String l : out.substring(i + 10, e).split("\n")) if (!l.isBlank()) inst.add(l.trim());
        long mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream().filter(l -> l.contains(" tracefs ")).count();
        return new TracefsState(out.substring(e + 4), inst, mounts);
    }

    /** The instances a proclab agent made. */
    List<String> proclab() {
        return instances.stream().filter(n -> n.startsWith("proclab-")).toList();
    }
}
