package dev.proclab.report;

import java.util.ArrayList;
import java.util.List;

/** Rows of cells as left-aligned columns two blanks apart (the first row is usually the head). */
public final class Columns {
    private Columns() {}

    public static List<String> of(List<String[]> rows) {
        List<String> out = new ArrayList<>();
        if (rows.isEmpty()) return out;
        int n = rows.get(0).length;
        int[] w = new int[n];
        for (String[] r : rows) for (int i = 0; i < n; i++) w[i] = Math.max(w[i], Wrap.visible(r[i]));
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append(r[i]);
                if (i < n - 1) sb.append(" ".repeat(w[i] - Wrap.visible(r[i]) + 2));
            }
            out.add(sb.toString().stripTrailing());
        }
        return out;
    }
}
