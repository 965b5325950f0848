package dev.proclab.proc;

/** /proc/PID/smaps, summed up: how many VMAs a process has, and how many hold anonymous pages. */
public final class Smaps {
    /** {@code vmas}: the mm's VMAs ([vsyscall] is not one: it is the gate area, outside the mm); {@code anonymous}: those with Anonymous above 0 kB (they have an anon_vma). */
    public record Summary(int vmas, int anonymous) {}

    private Smaps() {}

    public static Summary parse(String text) {
        int vmas = 0, anon = 0;
        boolean counted = false;
        for (String line : text.split("\n")) {
            if (isHeader(line)) {
                counted = !line.endsWith("[vsyscall]");
                if (counted) vmas++;
            } else if (counted && line.startsWith("Anonymous:")) {
                String[] f = line.substring(10).trim().split("\\s+");
                try {
                    if (Long.parseLong(f[0]) > 0) anon++;
                } catch (NumberFormatException e) {
                    // not a number: ignore the line
                }
            }
        }
        return new Summary(vmas, anon);
    }

    /** "7f04...-7f04... rw-p ..." starts a VMA; "Name:  value" lines do not. */
    private static boolean isHeader(String line) {
        int dash = line.indexOf('-');
        int sp = line.indexOf(' ');
        if (dash <= 0 || sp <= dash) return false;
        for (int i = 0; i < sp; i++) {
            char c = line.charAt(i);
            if (i != dash && Character.digit(c, 16) < 0) return false;
        }
        return true;
    }
}
