package dev.proclab.watch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The watched program's process tree as the events build it: who is alive, who is a zombie and for
 * how long, who reaped whom. It turns each event into a line for people, draws the live tree, and
 * sums up at the end.
 */
public final class Watched {
    /** One process seen; times are microseconds since the program's fork, -1 when not (yet) known. */
    public static final class Proc {
        public final long pid;
        public long ppid;
        public String comm;
        public List<String> argv;
        public String state = "R";
        public long forkUs, exitUs = -1, reapUs = -1;
        public Integer status;
        public long reaper = -1;
        public boolean reapedByAgent, execd;

        Proc(long pid, long ppid, String comm, long forkUs) {
            this.pid = pid;
            this.ppid = ppid;
            this.comm = comm;
            this.forkUs = forkUs;
        }
    }

    private final long agentPid;
    private final Map<Long, Proc> procs = new LinkedHashMap<>();
    private final List<WatchEvent> events = new ArrayList<>();

    public Watched(long agentPid) {
        this.agentPid = agentPid;
    }

    public List<WatchEvent> events() {
        return events;
    }

    /** Every process seen, in the order they were forked. */
    public List<Proc> procs() {
        return new ArrayList<>(procs.values());
    }

    public long agentPid() {
        return agentPid;
    }

    /** Takes one event; returns its line for people, or null for one not worth a line (R and S flicker). */
    public String accept(WatchEvent e) {
        if (!e.event().equals("output")) events.add(e);
        Proc p = procs.get(e.pid());
        switch (e.event()) {
            case "fork" -> {
                p = new Proc(e.pid(), e.ppid() == null ? -1 : e.ppid(), e.comm(), e.tUs());
                procs.put(e.pid(), p);
                return line(e, p, "forked by " + who(p.ppid));
            }
            case "exec" -> {
                if (p == null) return null;
                p.comm = e.comm();
                p.argv = e.argv();
                p.execd = true;
                return line(e, p, "exec " + (e.argv() == null ? e.comm() : String.join(" ", e.argv())));
            }
            case "exit" -> {
                if (p == null) return null;
                p.exitUs = e.tUs();
                p.status = e.status();
                p.state = "Z";
                if (e.ppid() != null) p.ppid = e.ppid();
                return line(e, p, WatchEvent.decode(e.status()) + "; now Z <defunct>: a zombie until " + who(p.ppid) + " waits");
            }
            case "reap" -> {
                if (p == null) return null;
                p.reapUs = e.tUs();
                if (e.status() != null) p.status = e.status();
                p.reaper = e.ppid() == null ? -1 : e.ppid();
                p.reapedByAgent = e.byAgent();
                p.state = "gone";
                return line(e, p, "reaped by " + (p.reapedByAgent ? "proclab" : who(p.reaper)) + " after "
                        + seconds(e.zombieUs() == null ? 0 : e.zombieUs()) + " as a zombie; its wait status: " + WatchEvent.decode(p.status));
            }
            case "state" -> {
                if (p == null) return null;
                String before = p.state;
                p.state = e.state();
                boolean moved = e.ppid() != null && e.ppid() != p.ppid;
                if (moved) p.ppid = e.ppid();
                if (moved) return line(e, p, "adopted by " + who(p.ppid) + "; " + stateWord(p.state));
                if (quiet(before) && quiet(p.state)) return null;
                return line(e, p, stateWord(p.state));
            }
            default -> {
                return null;
            }
        }
    }

    private static boolean quiet(String st) {
        return st.equals("R") || st.equals("S");
    }

    private String line(WatchEvent e, Proc p, String what) {
        return String.format(Locale.ROOT, "%9s  %-5s  %-7d %s: %s", seconds(e.tUs()), e.event(), p.pid, p.comm, what);
    }

    /** A pid with its program: "4243 waitpid", or "proclab" for the agent. */
    public String who(long pid) {
        if (pid == agentPid) return "proclab";
        Proc p = procs.get(pid);
        return p == null ? String.valueOf(pid) : pid + " " + p.comm;
    }

    /** How a process ended, shortly: "exit 1", "SIGKILL". */
    static String end(Integer status) {
        if (status == null) return "unknown";
        Map<String, Object> d = dev.proclab.kernel.WaitStatus.decode(1L, status);
        return Boolean.TRUE.equals(d.get("exited")) ? "exit " + d.get("code") : String.valueOf(d.get("signal"));
    }

    public static String seconds(long us) {
        return String.format(Locale.ROOT, "%.3f s", us / 1e6);
    }

    /** A state as ps shows it: a zombie is Z <defunct>. */
    public static String stateWord(String st) {
        return st.equals("Z") ? "Z <defunct>" : dev.proclab.kernel.States.word(st);
    }

    /** The live tree now ({@code nowUs}): proclab at the top, the program and adopted orphans below. */
    public List<String> tree(long nowUs) {
        List<String> out = new ArrayList<>();
        out.add("proclab " + agentPid);
        draw(agentPid, "", nowUs, out);
        return out;
    }

    private void draw(long parent, String indent, long nowUs, List<String> out) {
        List<Proc> kids = new ArrayList<>();
        for (Proc p : procs.values()) if (p.ppid == parent && p.reapUs < 0) kids.add(p);
        for (int i = 0; i < kids.size(); i++) {
            Proc p = kids.get(i);
            boolean last = i == kids.size() - 1;
            String extra = p.state.equals("Z") ? "  a zombie for " + seconds(nowUs - p.exitUs) : "";
            out.add(indent + (last ? "└─ " : "├─ ") + p.comm + " " + p.pid + "  " + stateWord(p.state) + extra);
            draw(p.pid, indent + (last ? "   " : "│  "), nowUs, out);
        }
    }

    /** The summary's rows: pid, program, parent, lived, end, zombie for, reaped by. */
    public List<String[]> summary() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"pid", "program", "parent", "lived", "end", "status", "zombie for", "reaped by"});
        for (Proc p : procs.values()) {
            rows.add(new String[] {String.valueOf(p.pid), p.comm, p.ppid == agentPid ? "proclab" : String.valueOf(p.ppid),
                p.exitUs < 0 ? "-" : seconds(p.exitUs - p.forkUs), p.exitUs < 0 ? "running" : end(p.status),
                p.status == null ? "-" : String.valueOf(p.status), p.reapUs < 0 || p.exitUs < 0 ? "-" : seconds(p.reapUs - p.exitUs),
                p.reapUs < 0 ? "-" : p.reapedByAgent ? "proclab" : who(p.reaper)});
        }
        return rows;
    }
}
