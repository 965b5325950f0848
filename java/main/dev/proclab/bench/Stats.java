package dev.proclab.bench;

import java.util.Arrays;

/** The benchmarks report medians of several rounds: one slow round (GC, another process) moves them little. */
final class Stats {
    private Stats() {}

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
