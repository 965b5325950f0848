package dev.proclab.kernel;

/** A lab duration, kept in microseconds (labs write 200ms, 2s, 500us). */
public record Duration(long micros) {
    public long millis() {
        return micros / 1000;
    }

    public static Duration ofMillis(long ms) {
        return new Duration(ms * 1000);
    }

    @Override
    public String toString() {
        if (micros % 1_000_000 == 0) return micros / 1_000_000 + "s";
        if (micros % 1000 == 0) return micros / 1000 + "ms";
        return micros + "us";
    }
}
