package dev.proclab.reliability;

import dev.proclab.proc.ProcStat;
import dev.proclab.proc.ProcessTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the reliability tests ask of a /proc scan (proc.ProcessTable): a tree, children by name, survivors. */
final class ProcScan {
    private final ProcessTable table;

    private ProcScan(ProcessTable table) {
        this.table = table;
    }

    static ProcScan now() {
        try {
            return new ProcScan(ProcessTable.scan());
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
    }

    ProcStat get(long pid) {
        return table.get(pid);
    }

    /** pid and all its descendants (empty when pid is gone). */
    Set<Long> tree(long pid) {
        Set<Long> out = new LinkedHashSet<>();
        if (table.get(pid) == null) return out;
        out.add(pid);
        out.addAll(table.descendants(pid));
        return out;
    }

    /** The children of pid named comm. */
    List<Long> childrenNamed(long pid, String comm) {
        List<Long> out = new ArrayList<>();
        for (ProcStat st : table.all()) if (st.ppid() == pid && st.comm().equals(comm)) out.add(st.pid());
        return out;
    }

    /** Which of these pids still exist (zombies included), with their state, for messages. */
    static List<String> alive(Set<Long> pids) {
        ProcScan s = now();
        List<String> out = new ArrayList<>();
        for (long p : pids) {
            ProcStat st = s.get(p);
            if (st != null) out.add(p + " " + st.comm() + " " + st.state());
        }
        return out;
    }

    /** Those of the pids still running: alive() less the zombies (which are their parent's, or init's, to reap). */
    static List<String> living(Set<Long> pids) {
        return alive(pids).stream().filter(s -> !s.endsWith(" Z")).toList();
    }
}
