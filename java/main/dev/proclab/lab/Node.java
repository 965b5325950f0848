package dev.proclab.lab;

import dev.proclab.kernel.Pos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value with the position of its first character; what {@link YamlTree} builds and LabParser reads. */
sealed interface Node permits Node.Scalar, Node.Seq, Node.Mapping {
    Pos pos();

    /** What the node is, for messages: "a string", "a list", ... */
    String kind();

    /** A plain value: {@code value} is a String, Long, BigInteger, Double, Boolean or null; {@code text} is as written. */
    record Scalar(Object value, String text, Pos pos) implements Node {
        public String kind() {
            if (value == null) return "nothing (null)";
            if (value instanceof String) return "the string \"" + text + "\"";
            if (value instanceof Boolean) return "the boolean " + text;
            if (value instanceof Double) return "the number " + text;
            return "the integer " + text;
        }

        boolean isString() {
            return value instanceof String;
        }
    }

    record Seq(List<Node> items, Pos pos) implements Node {
        public String kind() {
            return "a list";
        }
    }

    record Entry(String key, Pos keyPos, Node value) {}

    /** A mapping; keys are unique (duplicates are rejected while reading) and in file order. */
    record Mapping(Map<String, Entry> entries, Pos pos) implements Node {
        public String kind() {
            return "a mapping";
        }

        Entry entry(String key) {
            return entries.get(key);
        }

        Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }

        List<Entry> list() {
            return new ArrayList<>(entries.values());
        }

        static Mapping empty(Pos pos) {
            return new Mapping(new LinkedHashMap<>(), pos);
        }
    }
}
