package dev.proclab.proc;

import java.util.ArrayList;
import java.util.List;

/** /proc/PID/wchan and /proc/PID/stack: where a task sleeps in the kernel. */
public final class ProcStack {
    private ProcStack() {}

    /** The function a task sleeps in; null when the file reads "0" (running, or a zombie) or is empty. */
    public static String wchan(String text) {
        if (text == null) return null;
        String t = text.trim();
        return t.isEmpty() || t.equals("0") ? null : t;
    }

    /** The function names of "[<0>] do_wait+0x53/0x120" lines, innermost first. */
    public static List<String> frames(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty()) continue;
            int sp = l.indexOf("] ");
            if (l.startsWith("[<") && sp > 0) l = l.substring(sp + 2);
            out.add(Kallsyms.function(l));
        }
        return out;
    }
}
