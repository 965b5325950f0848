package dev.proclab.proc;

import java.util.ArrayList;
import java.util.List;

/** /proc/PID/task/TID/children: the task's children's pids, blank-separated, in the order of its children list. */
public final class Children {
    private Children() {}

    public static List<Long> parse(String text) {
        List<Long> out = new ArrayList<>();
        for (String s : text.trim().split("\\s+")) if (!s.isEmpty()) out.add(Long.parseLong(s));
        return out;
    }
}
