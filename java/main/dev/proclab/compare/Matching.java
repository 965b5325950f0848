package dev.proclab.compare;

import dev.proclab.kernel.Envelope;
import dev.proclab.kernel.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Equality of observed values, with tolerance for numbers and partial expectations for objects. */
final class Matching {
    private Matching() {}

    /** Whether {@code actual} meets {@code expected}: an expected object names only the keys it checks. */
    static boolean meets(Object expected, Object actual, Tolerance tol) {
        if (actual instanceof Envelope e) {
            for (Object v : e.values()) if (meets(expected, v, tol)) return true;
            return false;
        }
        if (expected instanceof Map<?, ?> em) {
            if (!(actual instanceof Map<?, ?> am)) return false;
            for (Map.Entry<?, ?> e : em.entrySet()) {
                if (!am.containsKey(e.getKey()) || !meets(e.getValue(), am.get(e.getKey()), tol)) return false;
            }
            return true;
        }
        return same(expected, actual, tol);
    }

    /** Whether two kernels' answers agree. */
    static boolean same(Object a, Object b, Tolerance tol) {
        if (a instanceof Envelope e) {
            for (Object v : e.values()) if (same(v, b, tol)) return true;
            return false;
        }
        if (a instanceof Number x && b instanceof Number y) {
            if (tol != null) return tol.allows(x.doubleValue(), y.doubleValue());
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (!ma.keySet().equals(mb.keySet())) return false;
            for (Object k : ma.keySet()) if (!same(ma.get(k), mb.get(k), tol)) return false;
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) return false;
            for (int i = 0; i < la.size(); i++) if (!same(la.get(i), lb.get(i), tol)) return false;
            return true;
        }
        return Objects.equals(a, b);
    }
}
