package dev.proclab.model;

/** Physical frames: a map count per frame (what /proc/kpagecount shows), recycled through a free stack. */
final class Frames {
    int[] mapcount = new int[1024];
    int[] free = new int[256];
    int nFree;
    int next = 1; // frame 0 is never handed out
    long inUse;

    int alloc() {
        int f;
        if (nFree > 0) f = free[--nFree];
        else {
            f = next++;
            if (f >= mapcount.length) mapcount = java.util.Arrays.copyOf(mapcount, mapcount.length * 2);
        }
        mapcount[f] = 1;
        inUse++;
        return f;
    }

    void get(int f) {
        mapcount[f]++;
    }

    void put(int f) {
        if (--mapcount[f] == 0) {
            if (nFree == free.length) free = java.util.Arrays.copyOf(free, nFree * 2);
            free[nFree++] = f;
            inUse--;
        }
    }
}
