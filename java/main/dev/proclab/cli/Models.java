package dev.proclab.cli;

import dev.proclab.kernel.Capability;
import dev.proclab.lab.Lab;
import dev.proclab.model.ModelConfig;
import dev.proclab.model.ModelKernel;
import dev.proclab.model.SlabGeometry;
import dev.proclab.posix.Posix;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.SlabInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.IOException;

/**
 * The model, told what machine it stands for. The model never reads the OS itself: here, on Linux,
 * the machine's pid_max, threads-max, uid, Yama scope and slab geometry are read and handed to it;
 * elsewhere (or when unreadable) it keeps its documented defaults.
 */
final class Models {
    private static ModelConfig config;

    private Models() {}

    static synchronized ModelConfig config() {
        if (config != null) return config;
        ModelConfig c = ModelConfig.DEFAULT;
        if (Posix.isLinux()) {
            Integer pidMax = readInt(ProcPaths.PID_MAX);
            if (pidMax != null) c = c.withHostPidMax(pidMax);
            Integer threadsMax = readInt(ProcPaths.THREADS_MAX);
            if (threadsMax != null) c = c.withThreadsMax(threadsMax);
            Integer yama = readInt(ProcPaths.YAMA_PTRACE_SCOPE);
            if (yama != null) c = c.withYamaScope(yama);
            int euid = Posix.euid();
            if (euid >= 0) c = c.withUid(euid);
            try {
                c = c.withSlabs(geometries(SlabInfo.parse(ProcFiles.read(ProcPaths.SLABINFO))));
            } catch (IOException | RuntimeException e) {
                // not root, or no slabinfo: the documented default geometry stays
            }
        }
        config = c;
        return c;
    }

    /**
     * The model for one lab. A lab that requires root or setuid describes a root scenario: the model
     * answers it as root even when this user is not (its real side is skipped then, with the reason).
     */
    static ModelKernel kernel(Lab lab) {
        ModelConfig c = config();
        if (c.uid() != 0 && (lab.needs(Capability.ROOT) || lab.needs(Capability.SETUID))) c = c.withUid(0);
        return new ModelKernel(c);
    }

    /** This machine's geometry of the caches the model keeps (others are of no use to it). */
    static Map<String, SlabGeometry> geometries(Map<String, SlabInfo.Cache> caches) {
        Map<String, SlabGeometry> out = new LinkedHashMap<>();
        for (SlabInfo.Cache c : caches.values()) {
            if (!SlabGeometry.DEFAULTS.containsKey(c.name())) continue;
            try {
                out.put(c.name(), new SlabGeometry((int) c.objsize(), (int) c.objperslab(), (int) c.pagesperslab()));
            } catch (IllegalArgumentException e) {
                // a geometry the model refuses: its default stays
            }
        }
        return out;
    }

    private static Integer readInt(String path) {
        Long v = ProcFiles.readLong(path);
        return v == null ? null : (int) (long) v;
    }
}
