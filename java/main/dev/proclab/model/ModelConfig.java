package dev.proclab.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine the model pretends to be. Everything the real kernel takes from its machine (memory
 * size → threads_max, sysctls, the uid the lab runs as, slab geometry) is a parameter here, so the
 * model never reads the operating system.
 *
 * @param hostPidMax   pid_max of the initial pid namespace (kernel default 32768; at most 4,194,304)
 * @param threadsMax   kernel.threads-max (the kernel sets it to RAM / (8 * THREAD_SIZE))
 * @param uid          the uid of the agent and so of the lab's processes (0: root)
 * @param yamaScope    kernel.yama.ptrace_scope (0: classic, 1: only descendants without CAP_SYS_PTRACE)
 * @param imageVmas    VMAs of the agent's (and an exec'd program's) image: libs, stack, heap, vdso
 * @param slabs        slab geometry per cache; missing caches take {@link SlabGeometry#DEFAULTS}
 * @param image        a fresh lab process as the kernel keeps it (anon_vmas, where it idles)
 * @param layout       struct sizes and member offsets the compiler chose ("sizeof.task_struct",
 *                     "offsetof.task_struct.stack"), from the machine's BTF; missing ones take
 *                     {@link Layout#DEFAULTS}
 */
public record ModelConfig(int hostPidMax, int threadsMax, int uid, int yamaScope, int imageVmas, Map<String, SlabGeometry> slabs,
        LabImage image, Map<String, Long> layout) {
    public static final int PID_MAX_DEFAULT = 32768;
    public static final int PID_MAX_LIMIT = 4 * 1024 * 1024;
    /** threads-max of an 8 GiB machine: 8 GiB / (8 * 16 KiB). */
    public static final int THREADS_MAX_DEFAULT = 65536;
    public static final int IMAGE_VMAS_DEFAULT = 24;

    public static final ModelConfig DEFAULT =
            new ModelConfig(PID_MAX_DEFAULT, THREADS_MAX_DEFAULT, 0, 1, IMAGE_VMAS_DEFAULT, Map.of(), LabImage.DEFAULT, Map.of());

    public ModelConfig {
        if (hostPidMax < 301 || hostPidMax > PID_MAX_LIMIT) throw new IllegalArgumentException("pid_max out of range: " + hostPidMax);
        if (threadsMax < 20) throw new IllegalArgumentException("threads_max below MIN_THREADS: " + threadsMax);
        Map<String, SlabGeometry> m = new LinkedHashMap<>(SlabGeometry.DEFAULTS);
        if (slabs != null) m.putAll(slabs);
        slabs = java.util.Collections.unmodifiableMap(m);
        if (imageVmas < 1) throw new IllegalArgumentException("imageVmas < 1: " + imageVmas);
        if (image == null) image = LabImage.DEFAULT;
        if (image.anonVmas() > imageVmas) throw new IllegalArgumentException("more anonymous VMAs than VMAs");
        Map<String, Long> l = new LinkedHashMap<>(Layout.DEFAULTS);
        if (layout != null) l.putAll(layout);
        layout = java.util.Collections.unmodifiableMap(l);
    }

    public ModelConfig withHostPidMax(int v) { return new ModelConfig(v, threadsMax, uid, yamaScope, imageVmas, slabs, image, layout); }
    public ModelConfig withThreadsMax(int v) { return new ModelConfig(hostPidMax, v, uid, yamaScope, imageVmas, slabs, image, layout); }
    public ModelConfig withUid(int v) { return new ModelConfig(hostPidMax, threadsMax, v, yamaScope, imageVmas, slabs, image, layout); }
    public ModelConfig withYamaScope(int v) { return new ModelConfig(hostPidMax, threadsMax, uid, v, imageVmas, slabs, image, layout); }
    public ModelConfig withSlabs(Map<String, SlabGeometry> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, v, image, layout); }
    /** A lab process's image: its VMAs, and the rest of what a fresh one looks like. */
    public ModelConfig withImage(int vmas, LabImage v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, vmas, slabs, v, layout); }
    public ModelConfig withLayout(Map<String, Long> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, image, v); }
}
