package dev.proclab.reliability;

import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcStat;
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

/** A scan of every process in /proc: who is whose child, and which are zombies. Vanished processes are normal. */
final class ProcScan {
    final Map<Long, ProcStat> all = new HashMap<>();

    static ProcScan now() {
        ProcScan s = new ProcScan();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : d) {
                try {
                    ProcStat st = ProcStat.parse(ProcFiles.read(p.resolve("stat").toString()));
                    s.all.put(st.pid(), st);
                } catch (IOException | RuntimeException e) {
                    // it ended while we looked: normal
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return s;
    }

    /** pid and all its descendants. */
    Set<Long> tree(long pid) {
        Map<Long, List<Long>> kids = new HashMap<>();
        for (ProcStat st : all.values()) kids.computeIfAbsent(st.ppid(), k -> new ArrayList<>()).add(st.pid());
        Set<Long> out = new LinkedHashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>(List.of(pid));
        while (!todo.isEmpty()) {
            long p = todo.pop();
            if (!all.containsKey(p) || !out.add(p)) continue;
            todo.addAll(kids.getOrDefault(p, List.of()));
        }
        return out;
    }

    /** The children of pid named comm. */
    List<Long> childrenNamed(long pid, String comm) {
        List<Long> out = new ArrayList<>();
        for (ProcStat st : all.values()) if (st.ppid() == pid && st.comm().equals(comm)) out.add(st.pid());
        return out;
    }

    /** Which of these pids still exist (zombies included), with their state, for messages. */
    static List<String> alive(Set<Long> pids) {
        ProcScan s = now();
        List<String> out = new ArrayList<>();
        for (long p : pids) {
            ProcStat st = s.all.get(p);
            if (st != null) out.add(p + " " + st.comm() + " " + st.state());
        }
        return out;
    }
}
