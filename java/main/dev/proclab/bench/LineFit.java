package dev.proclab.bench;

/**
 * The least-squares line y = slope·x + intercept through points, and R² (the share of y's variance
 * the line explains: 1 for points on a line). When every y is the same, R² is 1 if the line goes
 * through them all (it does), since nothing is left to explain.
 */
public record LineFit(double slope, double intercept, double r2) {
    public static LineFit of(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException(x.length + " x values for " + y.length + " y values");
        if (x.length < 2) throw new IllegalArgumentException("a line needs at least 2 points; got " + x.length);
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0) throw new IllegalArgumentException("every x is " + x[0] + ": no line fits");
        double slope = sxy / sxx, intercept = my - slope * mx;
        double ssRes = 0;
        for (int i = 0; i < n; i++) {
            double e = y[i] - (slope * x[i] + intercept);
            ssRes += e * e;
        }
        double r2 = syy == 0 ? 1 : Math.max(0, 1 - ssRes / syy);
        return new LineFit(slope, intercept, r2);
    }

    public double at(double x) {
        return slope * x + intercept;
    }
}
