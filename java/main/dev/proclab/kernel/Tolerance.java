package dev.proclab.kernel;

/** How far a real number may stray from the model's: an absolute amount or a percentage of the model's value. */
public record Tolerance(double amount, boolean percent) {
    public boolean allows(double model, double real) {
        double limit = percent ? Math.abs(model) * amount / 100.0 : amount;
        return Math.abs(model - real) <= limit;
    }

    @Override
    public String toString() {
        return percent ? fmt(amount) + "%" : fmt(amount);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
