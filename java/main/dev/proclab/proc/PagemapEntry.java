package dev.proclab.proc;

/** One 64-bit /proc/PID/pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
public record PagemapEntry(long raw) {
    private static final long PRESENT = 1L << 63, SWAPPED = 1L << 62, FILE_SHARED = 1L << 61,
            EXCLUSIVE = 1L << 56, SOFT_DIRTY = 1L << 55, PFN_MASK = (1L << 55) - 1;

    public static PagemapEntry ofHex(String hex) {
        return new PagemapEntry(Long.parseUnsignedLong(hex, 16));
    }

    public boolean present() {
        return (raw & PRESENT) != 0;
    }

    public boolean swapped() {
        return (raw & SWAPPED) != 0;
    }

    public boolean fileOrSharedAnon() {
        return (raw & FILE_SHARED) != 0;
    }

    /** PM_MMAP_EXCLUSIVE: the page is mapped by this process only. */
    public boolean exclusive() {
        return (raw & EXCLUSIVE) != 0;
    }

    public boolean softDirty() {
        return (raw & SOFT_DIRTY) != 0;
    }

    /** Bits 0-54 when present; 0 when the reader lacks CAP_SYS_ADMIN. */
    public long pfn() {
        return present() ? raw & PFN_MASK : 0;
    }
}
