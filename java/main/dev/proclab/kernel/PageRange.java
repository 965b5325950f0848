package dev.proclab.kernel;

/**
 * Pages of a region a touch step covers, 0-based and inclusive. In lab files: {@code all}, {@code N}
 * (the first N pages: 0..N-1) or {@code A-B} (pages A through B).
 */
public record PageRange(boolean all, int first, int last) {
    public static final PageRange ALL = new PageRange(true, 0, -1);

    public static PageRange firstN(int n) {
        return new PageRange(false, 0, n - 1);
    }

    public static PageRange of(int first, int last) {
        return new PageRange(false, first, last);
    }

    /** The first page index past the range for a region of {@code pages} pages. */
    public int end(int pages) {
        return all ? pages : Math.min(last + 1, pages);
    }

    public int start() {
        return all ? 0 : first;
    }

    @Override
    public String toString() {
        if (all) return "all";
        return first == 0 ? String.valueOf(last + 1) : first + "-" + last;
    }
}
