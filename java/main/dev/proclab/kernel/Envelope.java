package dev.proclab.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the kernel is free to choose, the model answers with every value it may give: an envelope.
 * A real answer that is one of them agrees; {@code why} says what the choice depends on (the order
 * in which two sleepers wake, how far the real clock has run). Nothing else widens a comparison.
 */
public record Envelope(List<Object> values, String why) {
    public Envelope {
        List<Object> vs = new ArrayList<>();
        for (Object v : values) {
            Object n = Values.normalize(v);
            if (!vs.contains(n)) vs.add(n);
        }
        values = java.util.Collections.unmodifiableList(vs);
    }

    public static Envelope of(String why, Object... values) {
        return new Envelope(java.util.Arrays.asList(values), why); // null too: a file that reads 0
    }

    @Override
    public String toString() {
        List<String> s = new ArrayList<>();
        for (Object v : values) s.add(Values.show(v));
        return String.join(" or ", s);
    }
}
