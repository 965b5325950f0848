package dev.proclab.fuzz;

import static dev.proclab.kernel.YamlScalar.quote;

import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps written back as a lab file (docs/lab-format.md), so that a generated or shrunk lab is one a
 * person can read and run with {@code proclab run --file}. Only what the generator makes is
 * written: observes of lab processes without expectations.
 */
public final class LabText {
    private LabText() {}

    public static String render(String id, String title, Sandbox sandbox, List<Step> steps, List<String> comments) {
        StringBuilder b = new StringBuilder();
        for (String c : comments) b.append("# ").append(c).append('\n');
        b.append("id: ").append(id).append('\n');
        b.append("title: ").append(quote(title)).append('\n');
        String sb = sandbox(sandbox);
        if (sb != null) b.append("sandbox: ").append(sb).append('\n');
        b.append("steps:\n");
        for (Step s : steps) step(b, s, "  ");
        return b.toString();
    }

    private static String sandbox(Sandbox s) {
        List<String> kv = new ArrayList<>();
        if (s.pidNamespace()) kv.add("pid_namespace: true");
        if (s.pidMax() != null) kv.add("pid_max: " + s.pidMax());
        if (s.pidsMax() != null) kv.add("pids_max: " + s.pidsMax());
        if (s.userNamespace()) kv.add("user_namespace: true");
        return kv.isEmpty() ? null : "{" + String.join(", ", kv) + "}";
    }

    static void step(StringBuilder b, Step s, String indent) {
        if (s instanceof Step.Repeat r) {
            b.append(indent).append("- repeat:\n");
            b.append(indent).append("    times: ").append(r.times()).append('\n');
            b.append(indent).append("    steps:\n");
            for (Step inner : r.steps()) step(b, inner, indent + "      ");
            return;
        }
        b.append(indent).append("- ").append(s.action()).append(": {").append(body(s)).append("}\n");
    }

    static String body(Step s) {
        if (s instanceof Step.Fork f) return "proc: " + n(f.proc()) + ", child: " + n(f.child());
        if (s instanceof Step.VFork f) return "proc: " + n(f.proc()) + ", child: " + n(f.child());
        if (s instanceof Step.Clone c) return "proc: " + n(c.proc()) + ", child: " + n(c.child()) + ", flags: " + list(c.flags()) + (c.signal() == null ? "" : ", signal: " + c.signal());
        if (s instanceof Step.Exec e) return "proc: " + n(e.proc()) + ", argv: " + quotedList(e.argv());
        if (s instanceof Step.Exit e) return "proc: " + n(e.proc()) + ", code: " + e.code();
        if (s instanceof Step.Signal g) return "to: " + n(g.to()) + ", sig: " + g.sig() + (g.proc() == null ? "" : ", proc: " + n(g.proc()));
        if (s instanceof Step.Wait w) return "proc: " + n(w.proc()) + ", for: " + n(w.target()) + (w.options().isEmpty() ? "" : ", options: " + list(w.options()));
        if (s instanceof Step.Hold h) return "proc: " + n(h.proc()) + ", for: " + h.duration();
        if (s instanceof Step.Spin h) return "proc: " + n(h.proc()) + ", for: " + h.duration();
        if (s instanceof Step.Block k) return "proc: " + n(k.proc());
        if (s instanceof Step.SetVar v) return "proc: " + n(v.proc()) + ", var: " + v.var() + ", value: " + v.value();
        if (s instanceof Step.AddVar v) return "proc: " + n(v.proc()) + ", var: " + v.var() + ", value: " + v.value();
        if (s instanceof Step.MapRegion m) return "proc: " + n(m.proc()) + ", region: " + m.region() + ", pages: " + m.pages();
        if (s instanceof Step.Touch t) return "proc: " + n(t.proc()) + ", region: " + t.region() + ", pages: " + t.pages() + ", mode: " + (t.write() ? "write" : "read");
        if (s instanceof Step.Subreaper r) return "proc: " + n(r.proc());
        if (s instanceof Step.Ignore i) return "proc: " + n(i.proc()) + ", sig: " + i.sig();
        if (s instanceof Step.SetUid u) return "proc: " + n(u.proc()) + ", uid: " + u.uid();
        if (s instanceof Step.Rlimit r) return "proc: " + n(r.proc()) + ", resource: " + r.resource() + ", value: " + (r.value() < 0 ? "unlimited" : r.value());
        if (s instanceof Step.Ptrace p) return "proc: " + n(p.proc()) + ", attach: " + n(p.target());
        if (s instanceof Step.SetPgid g) return "proc: " + n(g.proc()) + ", pid: " + (g.target() == null ? "0" : n(g.target()))
                + ", pgid: " + (g.pgid() == null ? "0" : n(g.pgid()));
        if (s instanceof Step.SetSid g) return "proc: " + n(g.proc());
        if (s instanceof Step.Handle h) return "proc: " + n(h.proc()) + ", sig: " + h.sig();
        if (s instanceof Step.Mask k) return "proc: " + n(k.proc()) + (k.block().isEmpty() ? "" : ", block: " + list(k.block()))
                + (k.unblock().isEmpty() && !k.block().isEmpty() ? "" : ", unblock: " + list(k.unblock()));
        if (s instanceof Step.Pause p) return "for: " + p.duration();
        if (s instanceof Step.Observe o) return "proc: " + quotedNames(o.procs()) + ", fields: " + list(o.fields());
        if (s instanceof Step.Repeat) throw new IllegalArgumentException("a repeat is written on lines of its own");
        throw new IllegalArgumentException("no text for step " + s.action());
    }

    /** A process name; one with {i} is quoted (braces open a mapping in YAML's flow style). */
    private static String n(String name) {
        return name != null && name.indexOf('{') >= 0 ? quote(name) : name;
    }

    private static String list(List<String> xs) {
        return "[" + String.join(", ", xs) + "]";
    }

    private static String quotedNames(List<String> xs) {
        List<String> q = new ArrayList<>();
        for (String x : xs) q.add(n(x));
        return list(q);
    }

    private static String quotedList(List<String> xs) {
        List<String> q = new ArrayList<>();
        for (String x : xs) q.add(quote(x));
        return list(q);
    }
}
