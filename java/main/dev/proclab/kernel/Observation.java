package dev.proclab.kernel;

/**
 * One field of one subject as one kernel answered it. {@code subject} is a lab process name, "pid N"
 * for a process outside the lab, "system", or "slab" (then {@code field} is "cache.field").
 * {@code value} is null, Boolean, Long, String, a List or a Map of those (see {@link Values});
 * when the kernel cannot answer, value is null and {@code skipped} says why.
 */
public record Observation(String subject, String field, Object value, String skipped) {
    public static Observation of(String subject, String field, Object value) {
        return new Observation(subject, field, Values.normalize(value), null);
    }

    public static Observation skip(String subject, String field, String reason) {
        return new Observation(subject, field, null, reason);
    }

    public boolean isSkipped() {
        return skipped != null;
    }
}
