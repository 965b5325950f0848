package dev.proclab.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scan of every process in /proc (each /proc/PID/stat, read whole), and counts of this process's
 * own resources. Stateless: every call reads /proc afresh. A process that ends while it is being read is
 * simply not in the scan: that is normal, not an error.
 */
public final class ProcessTable {
    private final Map<Long, ProcStat> all;

    private ProcessTable(Map<Long, ProcStat> all) {
        this.all = all;
    }

    /** Every process now, by pid. */
    public static ProcessTable scan() throws IOException {
        Map<Long, ProcStat> all = new HashMap<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of(ProcPaths.PROC), ProcessTable::isPidDir)) {
            for (Path p : d) {
                try {
                    ProcStat st = ProcStat.parse(ProcFiles.read(ProcPaths.stat(Long.parseLong(p.getFileName().toString()))));
                    all.put(st.pid(), st);
                } catch (IOException | RuntimeException e) {
                    // it ended while we looked
                }
            }
        }
        return new ProcessTable(all);
    }

    private static boolean isPidDir(Path p) {
        String s = p.getFileName().toString();
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /** The number of processes (thread-group leaders) on the system, as far as this pid namespace shows them. */
    public int count() {
        return all.size();
    }

    /** Every process of the scan. */
    public java.util.Collection<ProcStat> all() {
        return java.util.Collections.unmodifiableCollection(all.values());
    }

    public ProcStat get(long pid) {
        return all.get(pid);
    }

    /** pid's descendants (children, their children, ...), zombies included, pid itself not; in breadth-first order. */
    public Set<Long> descendants(long pid) {
        Map<Long, List<Long>> kids = new HashMap<>();
        for (ProcStat st : all.values()) kids.computeIfAbsent(st.ppid(), k -> new ArrayList<>()).add(st.pid());
        Set<Long> out = new LinkedHashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>(kids.getOrDefault(pid, List.of()));
        while (!todo.isEmpty()) {
            long p = todo.removeFirst();
            if (p == pid || !out.add(p)) continue;
            todo.addAll(kids.getOrDefault(p, List.of()));
        }
        return out;
    }

    /** The pids of the processes whose executable is {@code exe} (through /proc/PID/exe; unreadable ones are left out). */
    public Set<Long> runningExecutable(Path exe) {
        Set<Long> out = new LinkedHashSet<>();
        Path want;
        try {
            want = exe.toRealPath();
        } catch (IOException e) {
            return out;
        }
        for (long pid : all.keySet()) {
            try {
                if (Files.readSymbolicLink(Path.of(ProcPaths.pidDir(pid), "exe")).equals(want)) out.add(pid);
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // a kernel thread, gone, or not ours to read
            }
        }
        return out;
    }

    /**
     * This process's open file descriptors: the entries of /proc/self/fd, less the one descriptor that
     * the listing itself holds open while it reads the directory.
     */
    public static int openFds() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of(ProcPaths.SELF_FD))) {
            for (Path ignored : d) n++;
        }
        return n - 1;
    }

    /** This process's threads as the kernel counts them (the Threads: line of /proc/self/status), JVM-internal ones included. */
    public static long osThreads() throws IOException {
        return ProcStatus.parse(ProcFiles.read(ProcPaths.SELF_STATUS)).threads();
    }
}
