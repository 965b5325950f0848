package dev.proclab.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine the model pretends to be. Everything the real kernel takes from its machine (memory
 * size → threads_max, sysctls, the uid the lab runs as, its capabilities, slab geometry, which
 * programs exist) is a parameter here, so the model never reads the operating system.
 *
 * @param hostPidMax     pid_max of the initial pid namespace (kernel default 32768; at most 4,194,304)
 * @param threadsMax     kernel.threads-max (the kernel sets it to RAM / (8 * THREAD_SIZE))
 * @param uid            the uid of the agent and so of the lab's processes (0: root)
 * @param yamaScope      kernel.yama.ptrace_scope (0: classic, 1: only descendants without CAP_SYS_PTRACE;
 *                       -1: no Yama, the classic rules)
 * @param imageVmas      VMAs of the agent's (and an exec'd program's) image: libs, stack, heap, vdso
 * @param slabs          slab geometry per cache; missing caches take {@link SlabGeometry#DEFAULTS}
 * @param capSysResource root has CAP_SYS_RESOURCE (raising a hard rlimit needs it; some machines drop it)
 * @param exec           what execve of a program name answers here: an errno name, or null when it
 *                       would run (a name missing from the map runs)
 * @param readFaultZeroPage a read of never-written anonymous memory maps the shared zero page (the book;
 *                       false: an ordinary page of its own, as some kernels do)
 * @param rlimits        the limits the lab starts with, by RLIMIT_ name without the prefix: {soft, hard},
 *                       -1 unlimited (a missing one: init_task's)
 * @param coreToFile     a core dump is a file in the dumping process's directory (core_pattern is a path,
 *                       not a pipe to a program): it succeeds in the lab's private directory
 * @param suidDumpable   fs.suid_dumpable: what a process that changed its uid may still dump (0: nothing)
 * @param image          a fresh lab process as the kernel keeps it (anon_vmas, where it idles)
 * @param searchDenied   for a program name: the owners (kernel uids) of the directories an execve of it
 *                       walks that deny search to group and others; where a task that has capabilities
 *                       in its own user namespace owns one not, generic_permission asks ns_capable
 *                       (CAP_DAC_READ_SEARCH), which marks it PF_SUPERPRIV whether or not it may pass
 * @param layout         struct sizes and member offsets the compiler chose ("sizeof.task_struct",
 *                       "offsetof.task_struct.stack"), from the machine's BTF; missing ones take
 *                       {@link Layout#DEFAULTS}
 */
public record ModelConfig(
        int hostPidMax,
        int threadsMax,
        int uid,
        int yamaScope,
        int imageVmas,
        Map<String, SlabGeometry> slabs,
        boolean capSysResource,
        Map<String, String> exec,
        boolean readFaultZeroPage,
        Map<String, long[]> rlimits,
        boolean coreToFile,
        int suidDumpable,
        LabImage image,
        Map<String, Long> layout,
        Map<String, List<Integer>> searchDenied) {
    public static final int PID_MAX_DEFAULT = 32768;
    public static final int PID_MAX_LIMIT = 4 * 1024 * 1024;
    /** threads-max of an 8 GiB machine: 8 GiB / (8 * 16 KiB). */
    public static final int THREADS_MAX_DEFAULT = 65536;
    public static final int IMAGE_VMAS_DEFAULT = 24;

    public static final ModelConfig DEFAULT = new ModelConfig(PID_MAX_DEFAULT, THREADS_MAX_DEFAULT, 0, 1, IMAGE_VMAS_DEFAULT, Map.of(),
            true, Map.of(), true, Map.of(), true, 0, LabImage.DEFAULT, Map.of(), Map.of());

    public ModelConfig {
        if (hostPidMax < 301 || hostPidMax > PID_MAX_LIMIT) throw new IllegalArgumentException("pid_max out of range: " + hostPidMax);
        if (threadsMax < 20) throw new IllegalArgumentException("threads_max below MIN_THREADS: " + threadsMax);
        if (imageVmas < 1) throw new IllegalArgumentException("imageVmas < 1: " + imageVmas);
        Map<String, SlabGeometry> m = new LinkedHashMap<>(SlabGeometry.DEFAULTS);
        if (slabs != null) m.putAll(slabs);
        slabs = java.util.Collections.unmodifiableMap(m);
        exec = exec == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(exec));
        rlimits = rlimits == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rlimits));
        if (image == null) image = LabImage.DEFAULT;
        if (image.anonVmas() > imageVmas) throw new IllegalArgumentException("more anonymous VMAs than VMAs");
        Map<String, Long> l = new LinkedHashMap<>(Layout.DEFAULTS);
        if (layout != null) l.putAll(layout);
        layout = java.util.Collections.unmodifiableMap(l);
        searchDenied = searchDenied == null ? Map.of() : Map.copyOf(searchDenied);
    }

    public ModelConfig withHostPidMax(int v) { return new ModelConfig(v, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withThreadsMax(int v) { return new ModelConfig(hostPidMax, v, uid, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withUid(int v) { return new ModelConfig(hostPidMax, threadsMax, v, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withYamaScope(int v) { return new ModelConfig(hostPidMax, threadsMax, uid, v, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withSlabs(Map<String, SlabGeometry> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, v, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withCapSysResource(boolean v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, v, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withExec(Map<String, String> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, v, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withReadFaultZeroPage(boolean v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, exec, v, rlimits, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withRlimits(Map<String, long[]> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, v, coreToFile, suidDumpable, image, layout, searchDenied); }
    public ModelConfig withCore(boolean toFile, int suid) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, toFile, suid, image, layout, searchDenied); }
    /** A lab process's image: its VMAs, and the rest of what a fresh one looks like. */
    public ModelConfig withImage(int vmas, LabImage v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, vmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, v, layout, searchDenied); }
    public ModelConfig withLayout(Map<String, Long> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, v, searchDenied); }
    public ModelConfig withSearchDenied(Map<String, List<Integer>> v) { return new ModelConfig(hostPidMax, threadsMax, uid, yamaScope, imageVmas, slabs, capSysResource, exec, readFaultZeroPage, rlimits, coreToFile, suidDumpable, image, layout, v); }
}
