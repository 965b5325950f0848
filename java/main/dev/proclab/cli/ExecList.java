package dev.proclab.cli;

import dev.proclab.kernel.Step;
import dev.proclab.lab.Lab;
import dev.proclab.report.Text;
import java.io.PrintStream;
import java.util.List;

/**
 * The programs a lab runs. An exec step is code: it runs a program with the privileges of whoever
 * runs the lab (root, often). So `show` lists them, and `run` of a lab that is not one of proclab's
 * own (a file a student handed in) prints them before it starts.
 */
final class ExecList {
    private ExecList() {}

    /** One line a program: where, in which process, and its argv as the lab writes it. */
    static void print(Lab lab, PrintStream out, String indent) {
        for (Step.Exec e : lab.execs()) {
            out.println(indent + "line " + e.pos().line() + ", " + e.proc() + ": " + argv(e.argv()));
        }
    }

    static String argv(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) sb.append(' ');
            boolean plain = !a.isEmpty() && a.chars().allMatch(c -> c > ' ' && c < 127 && c != '"' && c != '\\' && c != '\'');
            sb.append(plain ? a : '"' + a.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return Text.line(sb.toString());
    }
}
