package dev.proclab.model;

/**
 * One pid namespace: the pid allocator of kernel/pid.c (alloc_pid over idr_alloc_cyclic) as a
 * bitmap, plus the pid → task table (the IDR's payload). Pids are cyclic from the cursor; once
 * the cursor has passed RESERVED_PIDS the search restarts at RESERVED_PIDS after a wrap.
 */
final class PidNs {
    static final int RESERVED_PIDS = 300;

    final PidNs parent;
    final int level;
    int pidMax;
    /** idr_next: one past the last pid handed out (ns_last_pid = cursor - 1). */
    int cursor;
    long[] bits;
    Task[] tasks;
    /** pid_allocated still has PIDNS_ADDING: cleared when the namespace's init dies. */
    boolean adding = true;
    Task childReaper;
    int allocated;

    PidNs(PidNs parent, int pidMax) {
        this.parent = parent;
        this.level = parent == null ? 0 : parent.level + 1;
        this.pidMax = pidMax;
        this.bits = new long[Math.max(16, (pidMax + 63) >>> 6)];
        this.tasks = new Task[Math.min(1024, pidMax)];
    }

    /** alloc_pid / idr_alloc_cyclic: the next free pid from the cursor, wrapping to pid_min; -1 when full (ENOSPC). */
    int alloc() {
        int pidMin = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
        int id = Math.max(cursor, pidMin);
        int max = pidMax - 1;
        int nr = findFree(id, max);
        if (nr < 0 && id > pidMin) nr = findFree(pidMin, max);
        if (nr < 0) return -1;
        cursor = nr + 1;
        bits[nr >>> 6] |= 1L << nr;
        allocated++;
        return nr;
    }

    private int findFree(int from, int max) {
        if (from > max) return -1;
        long[] b = bits;
        int w = from >>> 6;
        int lastW = max >>> 6;
        if (lastW >= b.length) {
            growBits(max);
            b = bits;
        }
        long word = ~b[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                int nr = (w << 6) + Long.numberOfTrailingZeros(word);
                return nr <= max ? nr : -1;
            }
            if (++w > lastW) return -1;
            word = ~b[w];
        }
    }

    private void growBits(int max) {
        long[] nb = new long[(max >>> 6) + 1];
        System.arraycopy(bits, 0, nb, 0, bits.length);
        bits = nb;
    }

    /** free_pid: the number may be handed out again. */
    void free(int nr) {
        bits[nr >>> 6] &= ~(1L << nr);
        allocated--;
        if (nr < tasks.length) tasks[nr] = null;
    }

    void attach(int nr, Task t) {
        if (nr >= tasks.length) {
            int n = tasks.length;
            while (n <= nr) n <<= 1;
            Task[] nt = new Task[Math.min(Math.max(n, nr + 1), Math.max(pidMax, nr + 1))];
            System.arraycopy(tasks, 0, nt, 0, tasks.length);
            tasks = nt;
        }
        tasks[nr] = t;
    }

    void detach(int nr) {
        if (nr < tasks.length) tasks[nr] = null;
    }

    Task find(long nr) {
        return nr >= 0 && nr < tasks.length ? tasks[(int) nr] : null;
    }

    boolean isAllocated(int nr) {
        return nr >>> 6 < bits.length && (bits[nr >>> 6] & (1L << nr)) != 0;
    }

    /** /proc/sys/kernel/ns_last_pid: idr_get_cursor - 1. */
    int lastPid() {
        return cursor - 1;
    }

    /** The ancestor (or this) namespace at {@code lvl}. */
    PidNs at(int lvl) {
        PidNs n = this;
        while (n.level > lvl) n = n.parent;
        return n;
    }

    String pidCache() {
        return level == 0 ? "pid" : "pid_" + (level + 1);
    }
}
