package dev.proclab.proc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** /proc/PID/status, parsed into its "Key:\tvalue" lines, with typed readers for the keys proclab uses. */
public record ProcStatus(Map<String, String> lines) {

    public static ProcStatus parse(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return new ProcStatus(m);
    }

    public String get(String key) {
        return lines.get(key);
    }

    /** The first number of a line ("RssAnon:\t  1234 kB" gives 1234), or -1 when absent. */
    public long number(String key) {
        String v = lines.get(key);
        if (v == null || v.isEmpty()) return -1;
        String first = v.split("\\s+")[0];
        try {
            return Long.parseLong(first);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A signal set line (SigPnd, ShdPnd, SigBlk, SigIgn, SigCgt): 16 hex digits, bit n-1 for signal n; 0 when absent. */
    public long mask(String key) {
        String v = lines.get(key);
        if (v == null || v.isEmpty()) return 0;
        try {
            return Long.parseUnsignedLong(v.trim(), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public long threads() {
        return number("Threads");
    }

    public long tgid() {
        return number("Tgid");
    }

    public long rssAnonKb() {
        return number("RssAnon");
    }

    /** VmPTE: the page tables of the task's mm, in kB (absent without an mm: a zombie, a kernel thread). */
    public long vmPteKb() {
        return number("VmPTE");
    }

    /** "Kthread:" exists since Linux 6.x; null when the kernel does not show it. */
    public Boolean kthread() {
        long k = number("Kthread");
        return k < 0 ? null : k == 1;
    }

    /** The NSpid line: this task's pid in each pid namespace, outermost first. */
    public List<Long> nsPids() {
        List<Long> out = new ArrayList<>();
        String v = lines.get("NSpid");
        if (v == null) return out;
        for (String s : v.split("\\s+")) if (!s.isEmpty()) out.add(Long.parseLong(s));
        return out;
    }

    /** The innermost pid (the pid as the task's own namespace sees it). */
    public long innermostPid() {
        List<Long> ns = nsPids();
        return ns.isEmpty() ? number("Pid") : ns.get(ns.size() - 1);
    }

    /** The pid of a field like NSpgid/NSsid in the innermost namespace. */
    public long innermost(String key) {
        String v = lines.get(key);
        if (v == null || v.isEmpty()) return -1;
        String[] parts = v.split("\\s+");
        return Long.parseLong(parts[parts.length - 1]);
    }
}
