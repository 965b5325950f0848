package dev.proclab.proc;

/**
 * /proc/PID/stat, parsed. comm may hold ')' and blanks, so the line is cut at the LAST ')'; the
 * fields after it are numbered as in proc(5) (state is field 3).
 */
public record ProcStat(long pid, String comm, char state, long ppid, long pgrp, long session,
                       long flags, long minflt, long majflt, long numThreads, long startTime) {

    // proc(5) field numbers (1-based), counted from pid
    private static final int STATE = 3, PPID = 4, PGRP = 5, SESSION = 6, FLAGS = 9, MINFLT = 10,
            MAJFLT = 12, NUM_THREADS = 20, STARTTIME = 22;

    /** Parses one stat line; throws IllegalArgumentException for a line that is not one. */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 1 || close < open) throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(line));
        long pid = Long.parseLong(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        String[] rest = line.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3
        if (rest.length < STARTTIME - 2) throw new IllegalArgumentException("short /proc/PID/stat line: " + abbreviate(line));
        return new ProcStat(pid, comm, rest[0].charAt(0),
                field(rest, PPID), field(rest, PGRP), field(rest, SESSION), field(rest, FLAGS),
                field(rest, MINFLT), field(rest, MAJFLT), field(rest, NUM_THREADS), field(rest, STARTTIME));
    }

    /**
     * CPU time a process has used, its reaped children's included: utime + stime + cutime + cstime
     * (fields 14 to 17), in clock ticks.
     */
    public static long cpuTicks(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(line));
        String[] rest = line.substring(close + 1).trim().split("\\s+");
        long sum = 0;
        for (int f = 14; f <= 17; f++) sum += field(rest, f);
        return sum;
    }

    private static long field(String[] rest, int number) {
        return Long.parseLong(rest[number - STATE]);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
