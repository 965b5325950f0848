package dev.proclab.report;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.TaskView;
import dev.proclab.kernel.Values;
import dev.proclab.lab.Lab;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page for a run. Per lab: its questions, and a stepper that goes through
 * the lab one step at a time, showing for the current step its rows, its events, and the model's and
 * the real kernel's process trees side by side as SVG (states as colours; zombies grey, dashed,
 * marked "zombie"); one tree per kernel per step, so the page stays small.
 */
public final class HtmlReport {
    private static final int NODE_W = 132, NODE_H = 46, GAP_X = 18, GAP_Y = 34, PAD = 12;

    private HtmlReport() {}

    /** A lab, its result, and each kernel's tree after every step (empty: no pictures). */
    public record Entry(Lab lab, LabResult result, List<LabResult.Tree> trees) {
        public Entry(Lab lab, LabResult result) {
            this(lab, result, result.trees());
        }
    }

    public static String render(List<Entry> entries, RunInfo info) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>proclab report</title>\n<style>")
         .append(CSS).append("</style></head><body>\n");
        h.append("<header><h1>proclab</h1><p>Linux ").append(esc(info.release())).append(' ').append(esc(info.machine()))
         .append(" &middot; capabilities: ");
        info.capabilities().forEach((k, v) -> h.append("<span class=\"cap ").append(v ? "yes" : "no").append("\">").append(esc(k)).append("</span> "));
        h.append("</p></header>\n");
        h.append("<nav><ul>");
        for (Entry e : entries) {
            h.append("<li><a href=\"#lab-").append(esc(e.lab().id())).append("\">").append(esc(e.lab().id())).append("</a> ")
             .append(badge(e.result())).append("</li>");
        }
        h.append("</ul></nav>\n");
        for (Entry e : entries) lab(h, e.lab(), e.result(), e.trees());
        h.append("<script>").append(SCRIPT).append("</script>\n");
        h.append("<footer>Made by proclab. Model: the book's reference kernel in Java; real: this machine's kernel through proclab-agent.</footer>\n");
        return h.append("</body></html>\n").toString();
    }

    private static String badge(LabResult r) {
        if (r.failure() != null) return "<span class=\"v differs\">failed</span>";
        return r.failed() ? "<span class=\"v differs\">differs</span>" : "<span class=\"v match\">ok</span>";
    }

    private static void lab(StringBuilder h, Lab lab, LabResult r, List<LabResult.Tree> treeList) {
        h.append("<section class=\"lab\" id=\"lab-").append(esc(lab.id())).append("\">\n<h2>").append(esc(lab.title()))
         .append(" <small>").append(esc(lab.id())).append("</small> ").append(badge(r)).append("</h2>\n");
        if (lab.source() != null) h.append("<p class=\"source\">").append(esc(lab.source())).append("</p>\n");
        if (!lab.concepts().isEmpty()) {
            h.append("<p class=\"concepts\">");
            for (String c : lab.concepts()) h.append("<code>").append(esc(c)).append("</code> ");
            h.append("</p>\n");
        }
        if (!lab.questions().isEmpty()) {
            h.append("<h3>Questions</h3><ol class=\"questions\">");
            for (String q : lab.questions()) h.append("<li>").append(esc(q)).append("</li>");
            h.append("</ol>\n");
        }
        if (r.realSkipped() != null) h.append("<p class=\"note skipped\">Real side skipped: ").append(esc(r.realSkipped())).append("</p>\n");
        if (r.failure() != null) h.append("<p class=\"note differs\">Failed: ").append(esc(r.failure())).append("</p>\n");
        for (String w : r.warnings()) h.append("<p class=\"note skipped\">Warning: ").append(esc(w)).append("</p>\n");

        Map<Integer, List<Row>> byStep = new LinkedHashMap<>();
        for (Row row : r.rows()) byStep.computeIfAbsent(row.step(), k -> new ArrayList<>()).add(row);
        Map<String, List<TaskView>> trees = new HashMap<>();
        for (LabResult.Tree t : treeList) trees.put(t.step() + "/" + t.kernel(), t.tasks());
        Map<Integer, List<LabResult.StepEvent>> events = new LinkedHashMap<>();
        for (LabResult.StepEvent ev : r.events()) events.computeIfAbsent(ev.step(), k -> new ArrayList<>()).add(ev);
        int n = lab.steps().size();

        // one view per step; the buttons (and the list) choose which one shows
        h.append("<div class=\"stepper\" data-steps=\"").append(n).append("\">\n<div class=\"controls\">")
         .append("<button type=\"button\" class=\"prev\">&#9664; previous</button> <span class=\"pos\">step 1 of ").append(n)
         .append("</span> <button type=\"button\" class=\"next\">next &#9654;</button></div>\n");
        h.append("<ol class=\"steps\">");
        for (int i = 1; i <= n; i++) {
            Step s = lab.steps().get(i - 1);
            h.append("<li data-step=\"").append(i).append("\"").append(i == 1 ? " class=\"current\"" : "").append("><code>")
             .append(esc(stepText(lab, s))).append("</code>").append(byStep.containsKey(i) ? " <span class=\"obs\">observe</span>" : "").append("</li>");
        }
        h.append("</ol>\n");
        for (int i = 1; i <= n; i++) {
            h.append("<div class=\"step-view\" data-step=\"").append(i).append("\"").append(i == 1 ? "" : " hidden").append(">");
            h.append("<h4>Step ").append(i).append(" of ").append(n).append(": <code>").append(esc(stepText(lab, lab.steps().get(i - 1))))
             .append("</code></h4>\n");
            List<Row> rows = byStep.get(i);
            if (rows != null) rows(h, rows);
            for (LabResult.StepEvent ev : events.getOrDefault(i, List.of())) {
                h.append("<details class=\"event\"><summary>").append(esc(ev.event().kind())).append(ev.event().proc() == null ? "" : " of " + esc(ev.event().proc()))
                 .append(" (").append(ev.kernel()).append(")</summary><pre>").append(esc(ev.event().text())).append("</pre></details>\n");
            }
            if (!treeList.isEmpty()) {
                h.append("<div class=\"trees\">");
                for (String kernel : List.of("model", "real")) {
                    List<TaskView> tasks = trees.get(i + "/" + kernel);
                    h.append("<figure class=\"").append(kernel).append("\"><figcaption>").append(kernel).append(" kernel after step ").append(i).append("</figcaption>");
                    h.append(tasks == null ? "<p class=\"none\">not run</p>" : svg(tasks, lab.sandbox().pidNamespace()));
                    h.append("</figure>");
                }
                h.append("</div>");
            }
            h.append("</div>\n");
        }
        h.append("</div>\n");
        if (!r.rows().isEmpty()) {
            h.append("<details class=\"all-rows\"><summary>Every row of the lab</summary>");
            rows(h, r.rows());
            h.append("</details>\n");
        }
        h.append("</section>\n");
    }

    private static void rows(StringBuilder h, List<Row> rows) {
        h.append("<table><thead><tr><th>step</th><th>proc</th><th>field</th><th>expected</th><th>model</th><th>real</th><th>verdict</th></tr></thead><tbody>");
        for (Row row : rows) {
            h.append("<tr><td>").append(row.step()).append("</td><td>").append(esc(row.proc())).append("</td><td>").append(esc(row.field())).append("</td><td>")
             .append(row.expected() == null ? "" : esc(Values.show(row.expected()))).append("</td><td>").append(esc(Values.show(row.model())))
             .append("</td><td>").append(esc(Values.show(row.real()))).append("</td><td><span class=\"v ").append(row.verdict().id()).append("\">")
             .append(row.verdict().id()).append("</span>");
            if (row.note() != null) h.append("<div class=\"why\">").append(esc(row.note())).append("</div>");
            h.append("</td></tr>");
        }
        h.append("</tbody></table>\n");
    }

    /** A step as the lab file wrote it (its first line, without the list dash). */
    private static String stepText(Lab lab, Step s) {
        return lab.line(s.pos().line()).trim().replaceFirst("^- ", "");
    }

    /** More children than this under one parent are drawn as the first few and a summary box. */
    static final int MAX_CHILDREN = 12, SHOWN_CHILDREN = 8;

    /**
     * A tidy top-down tree inside one labelled box, the agent: the lab's subreaper, outside the lab's
     * pid namespace when it has one. Both kernels' trees are drawn alike: the agent is the frame, never
     * a node (the model also knows the agent's own parents; they are not the lab's). A parent with many
     * children shows the first few and one box that sums up the rest by state.
     */
    static String svg(List<TaskView> all, boolean pidNamespace) {
        List<TaskView> tasks = Trees.lab(all);
        Map<String, TaskView> byName = new LinkedHashMap<>();
        for (TaskView t : tasks) byName.put(t.name(), t);
        Map<String, List<String>> kids = new LinkedHashMap<>();
        List<String> roots = new ArrayList<>();
        for (TaskView t : tasks) {
            if (Trees.outside(t.parent(), byName)) roots.add(t.name());
            else kids.computeIfAbsent(t.parent(), k -> new ArrayList<>()).add(t.name());
        }
        Map<String, String> summaries = new LinkedHashMap<>(); // summary node -> its text
        for (Map.Entry<String, List<String>> e : new ArrayList<>(kids.entrySet())) {
            List<String> ks = e.getValue();
            if (ks.size() <= MAX_CHILDREN) continue;
            Map<String, Integer> states = new java.util.TreeMap<>();
            for (String k : ks.subList(SHOWN_CHILDREN, ks.size())) {
                states.merge(byName.get(k).state(), 1, Integer::sum);
                hide(k, kids);
            }
            StringBuilder text = new StringBuilder("+" + (ks.size() - SHOWN_CHILDREN) + " more:");
            states.forEach((st, c) -> text.append(' ').append(c).append(' ').append(st));
            String node = "\u0000more:" + e.getKey();
            summaries.put(node, text.toString());
            List<String> kept = new ArrayList<>(ks.subList(0, SHOWN_CHILDREN));
            kept.add(node);
            kids.put(e.getKey(), kept);
        }
        Map<String, double[]> at = new LinkedHashMap<>();
        double[] nextX = {0};
        int[] depth = {0};
        for (String r : roots) place(r, 0, kids, at, nextX, depth);
        int inner = PAD + 22; // room for the agent's label
        int width = Math.max(360, (int) Math.max(1, nextX[0]) * (NODE_W + GAP_X) + 2 * PAD + 2 * PAD); // room for the agent's label
        int height = (roots.isEmpty() ? 24 : (depth[0] + 1) * (NODE_H + GAP_Y) - GAP_Y) + inner + 2 * PAD;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree\" width=\"").append(width).append("\" height=\"").append(height)
         .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" role=\"img\">");
        s.append(String.format("<rect x=\"4\" y=\"4\" width=\"%d\" height=\"%d\" rx=\"10\" class=\"agent\"/>", width - 8, height - 8));
        s.append(String.format("<text x=\"14\" y=\"22\" class=\"agentlabel\">%s</text>",
                esc(pidNamespace ? "agent (proclab-agent), outside the lab's pid namespace" : "agent (proclab-agent), the lab's subreaper")));
        if (roots.isEmpty()) s.append(String.format("<text x=\"14\" y=\"%d\" class=\"sub\" text-anchor=\"start\">no lab process left</text>", inner + 14));
        for (Map.Entry<String, List<String>> e : kids.entrySet()) {
            double[] p = at.get(e.getKey());
            if (p == null) continue;
            for (String c : e.getValue()) {
                double[] q = at.get(c);
                if (q == null) continue;
                s.append(String.format("<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" class=\"edge\"/>",
                        p[0] + PAD + NODE_W / 2.0, p[1] + inner + NODE_H, q[0] + PAD + NODE_W / 2.0, q[1] + inner));
            }
        }
        for (Map.Entry<String, double[]> e : at.entrySet()) {
            double x = e.getValue()[0] + PAD, y = e.getValue()[1] + inner;
            String more = summaries.get(e.getKey());
            if (more != null) {
                s.append(String.format("<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"8\" class=\"more\"/>", x, y, NODE_W, NODE_H))
                 .append(String.format("<text x=\"%.0f\" y=\"%.0f\" class=\"sub\">%s</text>", x + NODE_W / 2.0, y + 28, esc(more)));
                continue;
            }
            TaskView t = byName.get(e.getKey());
            String st = t.state();
            s.append(String.format("<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"8\" class=\"node s%s\"><title>%s pid %d state %s threads %d</title></rect>",
                    x, y, NODE_W, NODE_H, stateClass(st), esc(t.name()), t.pid(), esc(st), t.threads()));
            s.append(String.format("<text x=\"%.0f\" y=\"%.0f\" class=\"label\">%s</text>", x + NODE_W / 2.0, y + 19, esc(t.name())));
            s.append(String.format("<text x=\"%.0f\" y=\"%.0f\" class=\"sub\">pid %d · %s%s</text>", x + NODE_W / 2.0, y + 36,
                    t.pid(), esc(Trees.stateWord(st)), t.threads() > 1 ? " · " + t.threads() + " thr" : ""));
        }
        return s.append("</svg>").toString();
    }

    /** Takes a collapsed child's own subtree out of the picture too. */
    private static void hide(String n, Map<String, List<String>> kids) {
        List<String> ks = kids.remove(n);
        if (ks != null) for (String k : ks) hide(k, kids);
    }

    private static void place(String n, int d, Map<String, List<String>> kids, Map<String, double[]> at, double[] nextX, int[] depth) {
        depth[0] = Math.max(depth[0], d);
        List<String> ks = kids.getOrDefault(n, List.of());
        double y = d * (NODE_H + GAP_Y);
        if (ks.isEmpty()) {
            at.put(n, new double[] {nextX[0] * (NODE_W + GAP_X), y});
            nextX[0]++;
            return;
        }
        for (String k : ks) place(k, d + 1, kids, at, nextX, depth);
        double first = at.get(ks.get(0))[0], last = at.get(ks.get(ks.size() - 1))[0];
        at.put(n, new double[] {(first + last) / 2, y});
    }

    private static String stateClass(String st) {
        return switch (st) {
            case "R", "S", "D", "T", "Z", "X", "I" -> st;
            case "t" -> "tr";
            default -> "U";
        };
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The stepper: previous/next buttons, a click on a step in the list, and the arrow keys. */
    private static final String SCRIPT = """
            document.querySelectorAll('.stepper').forEach(function (st) {
              var n = +st.dataset.steps, cur = 1;
              function show(i) {
                cur = Math.max(1, Math.min(n, i));
                st.querySelectorAll('.step-view').forEach(function (v) { v.hidden = +v.dataset.step !== cur; });
                st.querySelectorAll('ol.steps li').forEach(function (li) { li.classList.toggle('current', +li.dataset.step === cur); });
                st.querySelector('.pos').textContent = 'step ' + cur + ' of ' + n;
                st.dataset.current = cur;
              }
              st.querySelector('.prev').addEventListener('click', function () { show(cur - 1); });
              st.querySelector('.next').addEventListener('click', function () { show(cur + 1); });
              st.querySelectorAll('ol.steps li').forEach(function (li) { li.addEventListener('click', function () { show(+li.dataset.step); }); });
              st.tabIndex = 0;
              st.addEventListener('keydown', function (e) { if (e.key === 'ArrowRight') show(cur + 1); if (e.key === 'ArrowLeft') show(cur - 1); });
              show(1);
            });
            """;

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
            header{background:#1d2b3a;color:#fff;padding:14px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.9}
            .cap{display:inline-block;padding:0 6px;border-radius:4px;margin:1px;font-size:12px}.cap.yes{background:#2e7d32}.cap.no{background:#8d6e63}
            nav{padding:8px 28px;background:#e9edf2}nav ul{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:14px}
            section.lab{background:#fff;margin:18px 28px;padding:10px 22px 18px;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
            h2 small{color:#6b7785;font-weight:normal;font-size:14px}.source{color:#6b7785;margin-top:-8px}
            code{background:#eef1f5;padding:1px 4px;border-radius:3px}
            table{border-collapse:collapse;margin:6px 0 10px;min-width:60%}th,td{border-bottom:1px solid #e3e7ec;padding:4px 10px;text-align:left;vertical-align:top}
            th{background:#f1f4f7;font-weight:600}.why{color:#6b7785;font-size:12px}
            .v{padding:1px 7px;border-radius:9px;font-size:12px;font-weight:600;color:#fff}
            .v.match{background:#2e7d32}.v.differs,.v.expect-failed{background:#c62828}.v.explained{background:#00838f}.v.skipped{background:#b26a00}
            .note.skipped{color:#b26a00}.note.differs{color:#c62828}
            .trees{display:flex;gap:18px;flex-wrap:wrap}figure{margin:0;padding:6px;border:1px solid #e3e7ec;border-radius:8px;background:#fbfcfd}
            figcaption{font-weight:600;color:#44505c;margin-bottom:4px}
            svg.tree .edge{stroke:#7d8a97;stroke-width:1.5}svg.tree .label{font-weight:600;font-size:13px;text-anchor:middle;fill:#102030}
            svg.tree .sub{font-size:11px;text-anchor:middle;fill:#24323f}
            svg.tree .node{stroke:#24323f;stroke-width:1.2}svg.tree .ghost{fill:#fff;stroke:#b8c2cc;stroke-dasharray:3 3}
            .agent{fill:#f4f6fa;stroke:#5c6b7a;stroke-width:1.5;stroke-dasharray:6 3}svg.tree .agentlabel{font-size:12px;font-weight:600;fill:#44505c}
            svg.tree .more{fill:#fff;stroke:#7d8a97;stroke-dasharray:2 2}
            .stepper .controls{margin:8px 0}.stepper button{font:inherit;padding:3px 12px;border-radius:6px;border:1px solid #b8c2cc;background:#fff;cursor:pointer}
            ol.steps li{cursor:pointer;padding:1px 4px;border-radius:4px}ol.steps li.current{background:#fff3c4;font-weight:600}.obs{font-size:11px;color:#00838f}
            .step-view{border-top:1px solid #e3e7ec;padding-top:6px}
            .sR{fill:#a5d6a7}.sS{fill:#90caf9}.sD{fill:#ffb74d}.sT,.str{fill:#ce93d8}.sZ{fill:#bdbdbd;stroke-dasharray:5 3}.sX{fill:#eeeeee}.sI{fill:#e0e0e0}.sU{fill:#fff}
            footer{color:#6b7785;padding:10px 28px 30px;font-size:12px}
            """;
}
