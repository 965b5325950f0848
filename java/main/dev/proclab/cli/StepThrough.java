package dev.proclab.cli;

import dev.proclab.compare.StepListener;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.TaskView;
import dev.proclab.lab.Lab;
import dev.proclab.real.LiveTasks;
import dev.proclab.real.RealKernel;
import dev.proclab.report.Style;
import dev.proclab.report.Trees;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * run --step: after each step, the lab stands still while the student looks. It shows the step,
 * the real kernel's live processes (host pids, as ps shows them), where the model differs, and a
 * command to look with one's own tools; then reads a line: empty for the next step, r to run to
 * the end, q to stop (the end of the input stops too). Every process is really in the state shown.
 */
final class StepThrough implements StepListener {
    private final Lab lab;
    private final PrintStream out;
    private final Style style;
    private final Prompter prompter;
    private final String realSkipped;
    private boolean toTheEnd;
    private int stoppedAfter;

    StepThrough(Lab lab, PrintStream out, Style style, Prompter prompter, String realSkipped) {
        this.lab = lab;
        this.out = out;
        this.style = style;
        this.prompter = prompter;
        this.realSkipped = realSkipped;
    }

    /** The step after which the student stopped the lab, or 0 when it ran to its end. */
    int stoppedAfter() {
        return stoppedAfter;
    }

    @Override
    public boolean afterStep(int number, Step step, StepResult m, StepResult r, Kernel model, Kernel real) {
        if (toTheEnd) return true;
        out.println(style.bold("── step " + number + " of " + lab.steps().size() + ": ") + stepText(lab, step));
        if (m.errno() != null || (r != null && r.errno() != null)) {
            out.println("   it failed: model " + (m.errno() == null ? "ok" : m.errno()) + ", real "
                    + (r == null ? "not run" : r.errno() == null ? "ok" : r.errno()));
        }
        if (r != null) {
            for (Event e : r.events()) out.println("   " + e.kind() + (e.proc() == null ? "" : " of " + e.proc()) + ": " + e.text().strip());
        }
        List<TaskView> modelTasks = tasks(model);
        if (real instanceof RealKernel rk) {
            showReal(rk, modelTasks, step);
        } else {
            out.println("   The real side does not run (" + (realSkipped == null ? "it stopped" : realSkipped) + "); the model's processes:");
            for (TaskView t : Trees.lab(modelTasks)) out.println("     " + t.name() + "  " + Trees.stateWord(t.state()) + "  parent " + t.parent());
        }
        String line = prompter.ask(style.dim("Enter: next step · r: run to the end · q: stop and clean up > "));
        if (line == null || line.strip().equalsIgnoreCase("q")) {
            stoppedAfter = number;
            out.println(line == null ? "End of input: stopping the lab and cleaning up." : "Stopping the lab and cleaning up.");
            return false;
        }
        if (line.strip().equalsIgnoreCase("r")) toTheEnd = true;
        return true;
    }

    private void showReal(RealKernel rk, List<TaskView> modelTasks, Step step) {
        List<LiveTasks.Live> live;
        List<TaskView> realTasks;
        try {
            live = LiveTasks.of(rk);
            realTasks = rk.tasks();
        } catch (KernelException e) {
            out.println("   The real kernel's processes could not be read: " + e.getMessage());
            return;
        }
        boolean wchan = live.stream().anyMatch(l -> l.wchan() != null);
        List<String[]> rows = new ArrayList<>();
        rows.add(wchan ? new String[] {"name", "pid", "ppid", "state", "wchan", "comm"} : new String[] {"name", "pid", "ppid", "state", "comm"});
        Map<String, LiveTasks.Live> byName = new LinkedHashMap<>();
        for (LiveTasks.Live l : live) byName.put(l.name(), l);
        for (LiveTasks.Live l : ordered(live, byName)) {
            String name = "  ".repeat(depth(l, byName)) + l.name();
            String ppid = l.hostPpid() + (l.parent() == null ? "" : " " + l.parent());
            rows.add(wchan ? new String[] {name, String.valueOf(l.hostPid()), ppid, l.stateText(), String.valueOf(l.wchan()), l.comm()}
                    : new String[] {name, String.valueOf(l.hostPid()), ppid, l.stateText(), l.comm()});
        }
        out.println("   The real kernel now (host pids, as ps on this machine shows them):");
        for (String s : dev.proclab.report.Columns.of(rows)) out.println("     " + s);
        List<String> ns = new ArrayList<>();
        for (LiveTasks.Live l : live) if (l.nsPid() != l.hostPid()) ns.add(l.name() + " is " + l.nsPid());
        if (!ns.isEmpty()) out.println("   In the lab's pid namespace " + String.join(", ", ns) + ".");
        List<String> diff = Trees.differences(modelTasks, realTasks);
        if (diff.isEmpty()) out.println("   The model agrees: the same processes, parents and states.");
        else for (String d : diff) out.println("   " + style.verdict(dev.proclab.compare.Verdict.DIFFERS, "The model differs: ") + d);
        if (live.isEmpty()) return;
        List<String> pids = new ArrayList<>();
        for (LiveTasks.Live l : live) pids.add(String.valueOf(l.hostPid()));
        // args, not comm: ps marks a zombie <defunct> only there, as in `ps ax`
        out.println("   Look for yourself: ps -o pid,ppid,stat,wchan:20,args -p " + String.join(",", pids));
        LiveTasks.Live subject = byName.get(subject(step));
        if (subject == null) subject = live.get(live.size() - 1);
        out.println("                      cat /proc/" + subject.hostPid() + "/status");
    }

    private static List<TaskView> tasks(Kernel k) {
        try {
            return k.tasks();
        } catch (KernelException e) {
            return List.of();
        }
    }

    /** The process a step is about: the child it made, the one it signalled, or the one that did it. */
    static String subject(Step step) {
        if (step instanceof Step.Fork f) return f.child();
        if (step instanceof Step.VFork v) return v.child();
        if (step instanceof Step.Clone c) return c.child();
        if (step instanceof Step.Signal s) return s.to();
        return step.proc();
    }

    static String stepText(Lab lab, Step step) {
        return lab.line(step.pos().line()).trim().replaceFirst("^- ", "");
    }

    /** Parents before their children, children in the order they were made. */
    private static List<LiveTasks.Live> ordered(List<LiveTasks.Live> live, Map<String, LiveTasks.Live> byName) {
        List<LiveTasks.Live> out = new ArrayList<>();
        for (LiveTasks.Live l : live) if (l.parent() == null || !byName.containsKey(l.parent())) add(l, live, out);
        for (LiveTasks.Live l : live) if (!out.contains(l)) out.add(l); // a cycle cannot be, but never lose one
        return out;
    }

    private static void add(LiveTasks.Live l, List<LiveTasks.Live> live, List<LiveTasks.Live> out) {
        if (out.contains(l)) return;
        out.add(l);
        for (LiveTasks.Live c : live) if (l.name().equals(c.parent())) add(c, live, out);
    }

    private static int depth(LiveTasks.Live l, Map<String, LiveTasks.Live> byName) {
        int d = 0;
        for (LiveTasks.Live p = byName.get(l.parent()); p != null && d < 64; p = byName.get(p.parent())) d++;
        return d;
    }
}
