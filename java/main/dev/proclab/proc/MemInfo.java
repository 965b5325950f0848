package dev.proclab.proc;

import java.util.LinkedHashMap;
import java.util.Map;

/** /proc/meminfo: "Name:   value kB" lines, as kB (or plain counts). */
public final class MemInfo {
    private MemInfo() {}

    public static Map<String, Long> parse(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String[] v = line.substring(colon + 1).trim().split("\\s+");
            try {
                out.put(line.substring(0, colon), Long.parseLong(v[0]));
            } catch (NumberFormatException e) {
                // not a number: not a counter
            }
        }
        return out;
    }
}
