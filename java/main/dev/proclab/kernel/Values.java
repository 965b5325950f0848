package dev.proclab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value domain of observations: null, Boolean, Long, Double, String, List and Map (String keys,
 * insertion order). Everything a kernel answers goes through {@link #normalize} so that equal truths
 * are equal objects (an int 2 and a long 2 are both Long 2).
 */
public final class Values {
    private Values() {}

    public static Object normalize(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Long || v instanceof String || v instanceof Envelope) return v;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
        }
        if (v instanceof Number n) return n.longValue();
        if (v instanceof Character c) return String.valueOf(c);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(normalize(o));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
            return out;
        }
        return v.toString();
    }

    /** A short, stable text form for tables: maps as {k: v, ...}, lists as [a, b]. */
    public static String show(Object v) {
        if (v == null) return "-";
        if (v instanceof Envelope e) return e.toString();
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append(show(l.get(i)));
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(e.getKey()).append(": ").append(show(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        return v.toString();
    }
}
