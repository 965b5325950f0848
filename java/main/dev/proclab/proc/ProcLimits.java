package dev.proclab.proc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /proc/PID/limits: each resource's soft and hard limit, by its RLIMIT_ name without the prefix; -1: unlimited. */
public final class ProcLimits {
    private ProcLimits() {}

    /** The lines' titles, in RLIMIT_ number order (include/uapi/asm-generic/resource.h). */
    private static final List<String[]> TITLES = List.of(
            new String[] {"Max cpu time", "CPU"}, new String[] {"Max file size", "FSIZE"},
            new String[] {"Max data size", "DATA"}, new String[] {"Max stack size", "STACK"},
            new String[] {"Max core file size", "CORE"}, new String[] {"Max resident set", "RSS"},
            new String[] {"Max processes", "NPROC"}, new String[] {"Max open files", "NOFILE"},
            new String[] {"Max locked memory", "MEMLOCK"}, new String[] {"Max address space", "AS"},
            new String[] {"Max file locks", "LOCKS"}, new String[] {"Max pending signals", "SIGPENDING"},
            new String[] {"Max msgqueue size", "MSGQUEUE"}, new String[] {"Max nice priority", "NICE"},
            new String[] {"Max realtime priority", "RTPRIO"}, new String[] {"Max realtime timeout", "RTTIME"});

    public static Map<String, long[]> parse(String text) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            for (String[] t : TITLES) {
                if (!line.startsWith(t[0] + " ")) continue;
                String[] f = line.substring(t[0].length()).trim().split("\\s+");
                if (f.length >= 2) out.put(t[1], new long[] {value(f[0]), value(f[1])});
            }
        }
        return out;
    }

    private static long value(String s) {
        return s.equals("unlimited") ? -1 : Long.parseLong(s);
    }
}
