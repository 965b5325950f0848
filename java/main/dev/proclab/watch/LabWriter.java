package dev.proclab.watch;

import static dev.proclab.kernel.YamlScalar.quote;

import dev.proclab.kernel.WaitStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What proclab watch saw, written as a lab (docs/lab-format.md) that runs on both kernels: the
 * program is main; each fork, exec, exit and wait becomes a step, in the order they happened; each
 * zombie and each wait's status becomes an observe with what was seen as its expectation. What a
 * lab cannot say (a process that exec'd and then forked; a wait by a process that exec'd) is left
 * out with a comment: a lab's processes after exec can only be watched, signalled and waited for.
 */
public final class LabWriter {
    private LabWriter() {}

    public static String write(String id, List<String> argv, Watched w) {
        Map<Long, String> names = new HashMap<>();
        Set<Long> execd = new HashSet<>();
        List<String> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long root = -1;
        int children = 0;
        boolean anyZombie = false;
        for (WatchEvent e : w.events()) {
            String name = names.get(e.pid());
            switch (e.event()) {
                case "fork" -> {
                    if (root < 0) {
                        root = e.pid();
                        names.put(e.pid(), "main");
                        continue;
                    }
                    String parent = e.ppid() == null ? null : names.get(e.ppid());
                    if (parent == null || execd.contains(e.ppid())) {
                        notes.add("pid " + e.pid() + " (forked by " + e.ppid() + ", a program of its own) is left out: in a lab, a process that has exec'd takes no more steps");
                        continue;
                    }
                    String child = "child" + (++children);
                    names.put(e.pid(), child);
                    steps.add(step("fork: {proc: " + parent + ", child: " + child + "}", e, "pid " + e.pid()));
                }
                case "exec" -> {
                    if (name == null || e.pid() == root) continue; // main stands for the program itself
                    execd.add(e.pid());
                    steps.add(step("exec: {proc: " + name + ", argv: " + flow(e.argv() == null ? List.of(e.comm()) : e.argv()) + "}", e, null));
                }
                case "exit" -> {
                    if (name == null) continue;
                    if (e.pid() == root) {
                        notes.add("main (the program) then ended: " + WatchEvent.decode(e.status()) + "; the lab's end stands for it");
                        continue;
                    }
                    if (execd.contains(e.pid()) || e.status() == null) continue; // a program ends by itself
                    Map<String, Object> d = WaitStatus.decode(1L, e.status());
                    if (Boolean.TRUE.equals(d.get("exited"))) {
                        steps.add(step("exit: {proc: " + name + ", code: " + d.get("code") + "}", e, null));
                    } else if (d.get("signal") != null) {
                        steps.add(step("signal: {to: " + name + ", sig: " + d.get("signal") + "}", e, "from outside the program"));
                    }
                    String parent = e.ppid() == null ? null : names.get(e.ppid());
                    if (parent != null && !execd.contains(e.ppid())) {
                        anyZombie = true;
                        steps.add("  - observe: {proc: " + name + ", fields: [state, ppid], expect: {state: Z, ppid: " + parent + "}}");
                    }
                }
                case "reap" -> {
                    if (name == null || e.byAgent()) continue;
                    String reaper = e.ppid() == null ? null : names.get(e.ppid());
                    if (reaper == null || execd.contains(e.ppid())) {
                        notes.add(name + " was reaped by " + e.ppid() + ", a program of its own: its wait is not a lab step");
                        continue;
                    }
                    steps.add(step("wait: {proc: " + reaper + ", for: " + name + "}", e,
                            "after " + Watched.seconds(e.zombieUs() == null ? 0 : e.zombieUs()) + " as a zombie"));
                    if (e.status() != null) {
                        steps.add("  - observe: {proc: " + reaper + ", fields: [wait], expect: {wait: {pid: " + name + ", status: " + e.status() + "}}}");
                    }
                    steps.add("  - observe: {proc: " + name + ", fields: [exists], expect: {exists: false}}");
                }
                default -> {}
            }
        }
        if (steps.isEmpty()) steps.add("  - observe: {proc: main, fields: [state]}");
        StringBuilder y = new StringBuilder();
        y.append("# Written by proclab watch from what it saw of: ").append(String.join(" ", argv)).append('\n');
        y.append("# Run it on both kernels: proclab run --file ").append(id).append(".yaml\n");
        for (String n : notes) y.append("# ").append(n).append('\n');
        y.append("id: ").append(id).append('\n');
        y.append("title: ").append(quote("What " + String.join(" ", argv) + " did, as proclab watch saw it")).append('\n');
        y.append("source: ").append(quote("proclab watch -- " + String.join(" ", argv))).append('\n');
        y.append("concepts: [fork, exec, exit, wait]\n");
        y.append("questions:\n");
        if (anyZombie) y.append("  - What state is a child in between its exit and its parent's wait, and for how long?\n");
        y.append("  - Which process reaps each child, and what status does its wait return?\n");
        y.append("steps:\n");
        for (String s : steps) y.append(s).append('\n');
        return y.toString();
    }

    private static String step(String body, WatchEvent e, String note) {
        return "  - " + body + "    # " + String.format(Locale.ROOT, "at %.3f s", e.tUs() / 1e6) + (note == null ? "" : ", " + note);
    }

    private static String flow(List<String> argv) {
        List<String> q = new ArrayList<>();
        for (String a : argv) q.add(quote(a));
        return "[" + String.join(", ", q) + "]";
    }
}
