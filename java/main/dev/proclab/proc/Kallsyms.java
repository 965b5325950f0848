package dev.proclab.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * /proc/kallsyms: the kernel's text symbols by address, to name a call site or a stack frame. Without
 * root every address reads 0 (kptr_restrict), and nothing can be resolved.
 */
public final class Kallsyms {
    private final long[] addrs;
    private final String[] names;

    private Kallsyms(long[] addrs, String[] names) {
        this.addrs = addrs;
        this.names = names;
    }

    /** Text symbols (t, T, w, W) of the kallsyms text, sorted by address; null when addresses are hidden. */
    public static Kallsyms parse(String text) {
        record Sym(long addr, String name) {}
        List<Sym> syms = new ArrayList<>();
        for (String line : text.split("\n")) {
            int a = line.indexOf(' ');
            if (a <= 0 || a + 3 > line.length()) continue;
            char type = line.charAt(a + 1);
            if (type != 't' && type != 'T' && type != 'w' && type != 'W') continue;
            int b = line.indexOf(' ', a + 3);
            int c = line.indexOf('\t', a + 3);
            int end = b < 0 ? (c < 0 ? line.length() : c) : (c < 0 ? b : Math.min(b, c));
            long addr;
            try {
                addr = Long.parseUnsignedLong(line.substring(0, a), 16);
            } catch (NumberFormatException e) {
                continue;
            }
            syms.add(new Sym(addr, line.substring(a + 3, end)));
        }
        syms.sort((x, y) -> Long.compareUnsigned(x.addr, y.addr));
        long[] addrs = new long[syms.size()];
        String[] names = new String[syms.size()];
        boolean any = false;
        for (int i = 0; i < syms.size(); i++) {
            addrs[i] = syms.get(i).addr;
            names[i] = syms.get(i).name;
            any |= addrs[i] != 0;
        }
        return any ? new Kallsyms(addrs, names) : null;
    }

    /** The function an address lies in, as the kernel's source names it (".isra.0" and the like cut), or null. */
    public String function(long addr) {
        int i = floor(addr);
        return i < 0 ? null : function(names[i]);
    }

    /** Where each function of these names begins and ends: [start, end) pairs (a name may occur more than once). */
    public List<long[]> ranges(String function) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (!function(names[i]).equals(function)) continue;
            int j = i + 1;
            while (j < addrs.length && Long.compareUnsigned(addrs[j], addrs[i]) <= 0) j++;
            long end = j < addrs.length ? addrs[j] : addrs[i] + 4096;
            out.add(new long[] {addrs[i], end});
        }
        return out;
    }

    private int floor(long addr) {
        int lo = 0, hi = addrs.length - 1, best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addrs[mid], addr) <= 0) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    /** "copy_process+0x1a5/0x1d80" or "mas_dup_alloc.isra.0" → the function's source name. */
    public static String function(String symbol) {
        String s = symbol;
        int plus = s.indexOf('+');
        if (plus > 0) s = s.substring(0, plus);
        int sp = s.indexOf(' ');
        if (sp > 0) s = s.substring(0, sp);
        int dot = s.indexOf('.');
        if (dot > 0) s = s.substring(0, dot);
        return s;
    }

    /** Number of symbols (for tests). */
    public int size() {
        return addrs.length;
    }
}
