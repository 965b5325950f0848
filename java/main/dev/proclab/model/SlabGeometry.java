package dev.proclab.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of one slab cache as /proc/slabinfo shows it: object size, objects per slab, pages per
 * slab. The model does not read /proc itself; a caller may build these from this machine's
 * /proc/slabinfo and pass them in ({@link ModelConfig#slabs}). {@link #DEFAULTS} are the values of
 * an x86_64 Linux 6.18 machine (SLUB), used where no geometry is given.
 */
public record SlabGeometry(int objsize, int objperslab, int pagesperslab) {
    public SlabGeometry {
        if (objsize <= 0 || objperslab <= 0 || pagesperslab <= 0) throw new IllegalArgumentException("slab geometry must be positive");
    }

    /** The caches the model keeps, with their documented default geometry. */
    public static final Map<String, SlabGeometry> DEFAULTS;

    static {
        Map<String, SlabGeometry> m = new LinkedHashMap<>();
        m.put("task_struct", new SlabGeometry(5888, 5, 8));
        m.put("mm_struct", new SlabGeometry(1600, 20, 8));
        m.put("signal_cache", new SlabGeometry(1152, 14, 4));
        m.put("sighand_cache", new SlabGeometry(2112, 15, 8));
        m.put("files_cache", new SlabGeometry(704, 23, 4));
        m.put("fs_cache", new SlabGeometry(64, 64, 1));
        m.put("pid", new SlabGeometry(192, 21, 1));
        m.put("pid_2", new SlabGeometry(192, 21, 1));
        m.put("pid_3", new SlabGeometry(192, 21, 1));
        m.put("vm_area_struct", new SlabGeometry(192, 21, 1));
        DEFAULTS = java.util.Collections.unmodifiableMap(m);
    }
}
