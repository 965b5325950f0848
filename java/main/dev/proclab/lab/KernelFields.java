package dev.proclab.lab;

import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The kernel subject's fields in a lab file: which names exist, and what an expected value may be. */
final class KernelFields {
    private KernelFields() {}

    /** kernel: [allocs, allocs.task_struct, events, ...]: checked names, each once. */
    static List<String> list(LabParser.Reader r, Node n) {
        List<Node> items = r.list(n, "kernel");
        if (items.isEmpty()) {
            throw r.bail(n.pos(), "kernel is empty; name at least one of " + String.join(", ", Fields.KERNEL)
                    + ", allocs.CACHE, frees.CACHE, faults.KIND, pages.ORDER, stack.CACHE, node.CACHE, slabs.CACHE");
        }
        return r.distinct(items, f -> field(r, f));
    }

    static String field(LabParser.Reader r, Node n) {
        String f = r.string(n, "a kernel field");
        if (Fields.KERNEL.contains(f)) return f;
        int dot = f.indexOf('.');
        if (dot > 0) {
            String head = f.substring(0, dot), rest = f.substring(dot + 1);
            switch (head) {
                case "allocs", "frees", "stack", "node", "slabs" -> {
                    if (!Fields.KERNEL_CACHES.contains(rest)) {
                        throw r.bail(n.pos(), "unknown cache " + rest + " in " + f + LabParser.Reader.or(Suggest.didYouMean(rest, Fields.KERNEL_CACHES),
                                "; the kernel subject counts " + String.join(", ", Fields.KERNEL_CACHES)));
                    }
                    return f;
                }
                case "faults" -> {
                    if (!Fields.FAULT_KINDS.contains(rest)) {
                        throw r.bail(n.pos(), "unknown fault kind " + rest + LabParser.Reader.or(Suggest.didYouMean(rest, Fields.FAULT_KINDS),
                                "; kinds are " + String.join(", ", Fields.FAULT_KINDS)));
                    }
                    return f;
                }
                case "pages" -> {
                    if (!rest.matches("\\d{1,2}") || Integer.parseInt(rest) > Fields.MAX_ORDER) {
                        throw r.bail(n.pos(), "pages.ORDER takes a buddy order 0.." + Fields.MAX_ORDER + "; got " + f);
                    }
                    return "pages." + Integer.parseInt(rest);
                }
                default -> {
                    String h = Suggest.closest(head, List.of("allocs", "frees", "faults", "pages", "stack", "node", "slabs"));
                    throw r.bail(n.pos(), "unknown kernel field " + f + (h != null ? "; did you mean " + h + "." + rest + "?"
                            : "; kernel fields with a dot are allocs.CACHE, frees.CACHE, faults.KIND, pages.ORDER, stack.CACHE, node.CACHE, slabs.CACHE"));
                }
            }
        }
        throw r.bail(n.pos(), "unknown kernel field " + f + LabParser.Reader.or(Suggest.didYouMean(f, Fields.KERNEL),
                "; kernel fields are " + String.join(", ", Fields.KERNEL) + ", and allocs.CACHE, frees.CACHE, faults.KIND, pages.ORDER, stack.CACHE, node.CACHE, slabs.CACHE"));
    }

    /** An expected value of a kernel field, checked against what the field holds. */
    static Object expected(LabParser.Reader r, String field, Node n) {
        Object v = r.value(n);
        if (v == null) return null;
        String head = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
        boolean whole = !field.contains(".");
        switch (head) {
            case "allocs", "frees" -> {
                if (whole) return counts(r, n, v, field, Fields.KERNEL_CACHES, "cache");
                return number(r, n, v, field);
            }
            case "faults" -> {
                if (whole) return counts(r, n, v, field, Fields.FAULT_KINDS, "fault kind");
                return number(r, n, v, field);
            }
            case "pages" -> {
                if (whole) {
                    List<String> orders = new ArrayList<>();
                    for (int i = 0; i <= Fields.MAX_ORDER; i++) orders.add(String.valueOf(i));
                    return counts(r, n, v, field, orders, "order");
                }
                return number(r, n, v, field);
            }
            case "node" -> {
                return number(r, n, v, field);
            }
            case "events", "stack" -> {
                if (!(v instanceof List<?> l)) {
                    throw r.bail(n.pos(), field + " is a list of " + (head.equals("events") ? "events (\"main: task_newtask kid\")" : "kernel function names")
                            + "; got " + Values.show(v));
                }
                for (Object o : l) {
                    if (!(o instanceof String)) throw r.bail(n.pos(), "each item of " + field + " is a string; got " + Values.show(o));
                }
                return v;
            }
            case "slabs" -> {
                Map<String, Object> m = counts(r, n, v, field, Fields.SLABS, "key");
                return m;
            }
            default -> throw r.bail(n.pos(), "unknown kernel field " + field);
        }
    }

    private static Object number(LabParser.Reader r, Node n, Object v, String field) {
        if (!(v instanceof Long)) throw r.bail(n.pos(), field + " is a number; got " + Values.show(v));
        return v;
    }

    /** An object of counts whose keys come from {@code keys} (it may name only some of them). */
    private static Map<String, Object> counts(LabParser.Reader r, Node n, Object v, String field, List<String> keys, String what) {
        if (!(v instanceof Map<?, ?> map) || !(n instanceof Node.Mapping nm)) {
            throw r.bail(n.pos(), field + " is an object {" + what + ": count, ...}; got " + Values.show(v));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Node.Entry e : nm.list()) {
            if (!keys.contains(e.key())) {
                throw r.bail(e.keyPos(), "unknown " + what + " " + e.key() + " in " + field
                        + LabParser.Reader.or(Suggest.didYouMean(e.key(), keys), "; it has " + String.join(", ", keys)));
            }
            Object c = map.get(e.key());
            if (c != null && !(c instanceof Long)) throw r.bail(e.value().pos(), field + "." + e.key() + " is a number; got " + Values.show(c));
            out.put(e.key(), c);
        }
        return out;
    }
}
