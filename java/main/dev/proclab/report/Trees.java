package dev.proclab.report;

import dev.proclab.kernel.TaskView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The lab's processes as every picture shows them, on both kernels alike: the agent is the frame
 * around the lab (its subreaper, outside the lab's pid namespace), not a process inside it. The
 * model knows the agent's own parents (the JVM, init); the real side does not list the agent at all.
 */
public final class Trees {
    /** The lab name of proclab-agent. */
    public static final String AGENT = "agent";

    private Trees() {}

    /** The lab's own processes: everything but the agent, in the kernel's order. */
    public static List<TaskView> lab(List<TaskView> tasks) {
        List<TaskView> out = new ArrayList<>();
        for (TaskView t : tasks) if (!AGENT.equals(t.name())) out.add(t);
        return out;
    }

    /** Whether a parent lies outside the lab: the agent, or 0 (outside the lab's pid namespace). */
    public static boolean outside(String parent, Map<String, ?> lab) {
        return parent == null || !lab.containsKey(parent);
    }

    /**
     * Where the model's tree differs from the real one, one sentence a process (names, parents and
     * states); empty when they agree.
     */
    public static List<String> differences(List<TaskView> model, List<TaskView> real) {
        Map<String, TaskView> m = byName(lab(model)), r = byName(lab(real));
        Set<String> names = new LinkedHashSet<>(r.keySet());
        names.addAll(m.keySet());
        List<String> out = new ArrayList<>();
        for (String n : names) {
            TaskView a = m.get(n), b = r.get(n);
            if (b == null) {
                out.add(n + ": the model still has it (" + stateWord(a.state()) + "), the real kernel has reaped it");
            } else if (a == null) {
                out.add(n + ": the real kernel still has it (" + stateWord(b.state()) + "), the model has reaped it");
            } else {
                List<String> d = new ArrayList<>();
                if (!a.state().equals(b.state())) d.add("state " + a.state() + " in the model, " + b.state() + " on the real kernel");
                if (!Objects.equals(a.parent(), b.parent())) d.add("parent " + a.parent() + " in the model, " + b.parent() + " on the real kernel");
                if (a.threads() != b.threads()) d.add(a.threads() + " threads in the model, " + b.threads() + " on the real kernel");
                if (!d.isEmpty()) out.add(n + ": " + String.join("; ", d));
            }
        }
        return out;
    }

    private static Map<String, TaskView> byName(List<TaskView> tasks) {
        Map<String, TaskView> m = new LinkedHashMap<>();
        for (TaskView t : tasks) m.put(t.name(), t);
        return m;
    }

    /** A state letter with its word, as the pictures label it ("Z zombie"). */
    public static String stateWord(String st) {
        return dev.proclab.kernel.States.word(st);
    }
}
