package dev.proclab.fuzz;

import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts a lab that shows a finding down to a small one that still shows it: delta debugging (ddmin)
 * over its steps, then whole processes (every step that names one), then the observed fields and
 * processes no finding needs. A cut is kept only if the smaller lab is still valid, still runs on
 * both kernels, and still shows the finding's key; each try is a real run, so the tries are
 * counted and capped.
 */
final class Shrinker {
    private final Trial trial;
    private final int maxTries;
    private int tries;

    record Shrunk(List<Step> steps, Trial.Result last, int tries) {}

    Shrinker(Trial trial, int maxTries) {
        this.trial = trial;
        this.maxTries = maxTries;
    }

    Shrunk shrink(String id, Sandbox sandbox, List<Step> steps, String key, Trial.Result original) {
        List<Step> cur = new ArrayList<>(steps);
        Trial.Result last = original;
        // each phase can open the way for another (an observe of var.x keeps the step that sets x):
        // round after round, until a round cuts nothing
        for (boolean changed = true; changed && tries < maxTries; ) {
            int before = cur.size();
            List<Step> was = cur;
            // observes first: only what shows a finding
            if (last.result() != null) {
                List<Step> focused = focus(cur, last);
                if (!focused.equals(cur)) {
                    Trial.Result r = holds(id, sandbox, focused, key);
                    if (r != null) {
                        cur = focused;
                        last = r;
                    }
                }
            }
            // ddmin over the top-level steps
            int n = 2;
            while (cur.size() >= 2 && tries < maxTries) {
                int chunk = (cur.size() + n - 1) / n;
                boolean cut = false;
                for (int start = 0; start < cur.size() && tries < maxTries; start += chunk) {
                    List<Step> without = new ArrayList<>(cur.subList(0, start));
                    without.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                    Trial.Result r = holds(id, sandbox, without, key);
                    if (r != null) {
                        cur = without;
                        last = r;
                        n = Math.max(n - 1, 2);
                        cut = true;
                        break;
                    }
                }
                if (!cut) {
                    if (n >= cur.size()) break;
                    n = Math.min(n * 2, cur.size());
                }
            }
            // whole processes
            for (String name : names(cur)) {
                if (name.equals("main") || tries >= maxTries) continue;
                List<Step> without = withoutProcess(cur, name);
                if (without.size() == cur.size() && without.equals(cur)) continue;
                Trial.Result r = holds(id, sandbox, without, key);
                if (r != null) {
                    cur = without;
                    last = r;
                }
            }
            changed = cur.size() < before || !cur.equals(was);
        }
        return new Shrunk(List.copyOf(cur), last, tries);
    }

    private Trial.Result holds(String id, Sandbox sandbox, List<Step> steps, String key) {
        tries++;
        String text = LabText.render(id, "shrinking", sandbox, steps, List.of());
        Trial.Result r = trial.run(id, text);
        if (!r.valid() || r.outcome() == null) return null;
        return r.outcome().keys().contains(key) ? r : null;
    }

    private static Set<String> names(List<Step> steps) {
        Set<String> out = new LinkedHashSet<>();
        for (Step s : steps) {
            if (s instanceof Step.Fork f) out.add(f.child());
            if (s instanceof Step.VFork f) out.add(f.child());
            if (s instanceof Step.Clone c) out.add(c.child());
        }
        return out;
    }

    /** Every step that names {@code p} goes; an observe only loses p from its processes. */
    static List<Step> withoutProcess(List<Step> steps, String p) {
        List<Step> out = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Step.Observe o) {
                if (!o.procs().contains(p)) {
                    out.add(s);
                    continue;
                }
                List<String> rest = new ArrayList<>(o.procs());
                rest.remove(p);
                if (!rest.isEmpty()) out.add(withProcsAndFields(o, rest, o.fields()));
                continue;
            }
            if (!names(s, p)) out.add(s);
        }
        return out;
    }

    private static boolean names(Step s, String p) {
        if (p.equals(s.proc())) return true;
        if (s instanceof Step.Fork f) return p.equals(f.child());
        if (s instanceof Step.VFork f) return p.equals(f.child());
        if (s instanceof Step.Clone c) return p.equals(c.child());
        if (s instanceof Step.Signal g) return p.equals(g.to());
        if (s instanceof Step.Wait w) return p.equals(w.target());
        if (s instanceof Step.Ptrace t) return p.equals(t.target());
        if (s instanceof Step.SetPgid g) return p.equals(g.target()) || p.equals(g.pgid());
        if (s instanceof Step.Repeat r) {
            for (Step inner : r.steps()) if (names(inner, p)) return true;
            String child = r.steps().get(0) instanceof Step.Fork f ? f.child() : null;
            return child != null && p.startsWith(child.replace("{i}", ""));
        }
        return false;
    }

    /** Each observe keeps only the processes and fields that showed a finding; observes that showed none go. */
    private static List<Step> focus(List<Step> steps, Trial.Result r) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (!(s instanceof Step.Observe o)) {
                out.add(s);
                continue;
            }
            int number = i + 1;
            Set<String> procs = new LinkedHashSet<>(), fields = new LinkedHashSet<>();
            for (Row row : r.result().rows()) {
                if (row.step() != number || row.verdict() != Verdict.DIFFERS) continue;
                procs.add(row.proc());
                fields.add(row.field());
            }
            if (procs.isEmpty()) continue;
            List<String> keepProcs = new ArrayList<>(), keepFields = new ArrayList<>();
            for (String p : o.procs()) if (procs.contains(p)) keepProcs.add(p);
            for (String f : o.fields()) if (fields.contains(f)) keepFields.add(f);
            if (keepProcs.isEmpty() || keepFields.isEmpty()) out.add(s);
            else out.add(withProcsAndFields(o, keepProcs, keepFields));
        }
        return out;
    }

    static Step.Observe withProcsAndFields(Step.Observe o, List<String> procs, List<String> fields) {
        return new Step.Observe(List.copyOf(procs), o.hostPid(), List.copyOf(fields), o.slab(), o.system(), o.kernel(), o.label(), o.since(),
                o.expect(), o.tolerance(), o.explain(), o.pos());
    }
}
