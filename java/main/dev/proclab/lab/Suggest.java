package dev.proclab.lab;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean X?" over a set of known names, by optimal-string-alignment (Damerau) distance. */
public final class Suggest {
    private Suggest() {}

    /** The known name closest to {@code word}, or null when none is close enough to be a likely typo. */
    public static String closest(String word, Collection<String> known) {
        if (word == null || word.isEmpty()) return null;
        String w = word.toLowerCase(Locale.ROOT);
        int limit = Math.min(3, Math.max(1, (w.length() + 1) / 3));
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            if (k.equals(word)) continue;
            int d = distance(w, k.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return bestD <= limit ? best : null;
    }

    /** {@code "; did you mean X?"}, or the empty string when nothing is close. */
    public static String didYouMean(String word, Collection<String> known) {
        String c = closest(word, known);
        return c == null ? "" : "; did you mean " + c + "?";
    }

    /** {@code suggestion} unless it is empty, then {@code otherwise}. */
    public static String or(String suggestion, String otherwise) {
        return suggestion.isEmpty() ? otherwise : suggestion;
    }

    /** Edits (insert, delete, substitute, swap two neighbours) that turn a into b. */
    public static int distance(String a, String b) {
        int n = a.length(), m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
