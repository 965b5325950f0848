package dev.proclab.proc;

import java.util.LinkedHashMap;
import java.util.Map;

/** /proc/slabinfo (version 2.1), parsed: per cache, the columns before the first ':' section. */
public final class SlabInfo {
    /** One cache's line: name active_objs num_objs objsize objperslab pagesperslab. */
    public record Cache(String name, long activeObjs, long numObjs, long objsize, long objperslab, long pagesperslab) {
        public Long field(String f) {
            return switch (f) {
                case "active_objs" -> activeObjs;
                case "num_objs" -> numObjs;
                case "objsize" -> objsize;
                case "objperslab" -> objperslab;
                case "pagesperslab" -> pagesperslab;
                default -> null;
            };
        }
    }

    private SlabInfo() {}

    public static Map<String, Cache> parse(String text) {
        Map<String, Cache> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("slabinfo") || line.startsWith("#")) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length < 6) continue;
            try {
                out.put(f[0], new Cache(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5])));
            } catch (NumberFormatException e) {
                // a line of another shape: not a cache
            }
        }
        return out;
    }
}
