package dev.proclab.cli;

import dev.proclab.kernel.Capability;
import dev.proclab.lab.Lab;
import dev.proclab.kernel.Step;
import dev.proclab.model.LabImage;
import dev.proclab.model.ModelConfig;
import dev.proclab.proc.Btf;
import dev.proclab.real.Machine;
import dev.proclab.model.ModelKernel;
import dev.proclab.model.SlabGeometry;
import dev.proclab.posix.Posix;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.ProcLimits;
import dev.proclab.proc.ProcStatus;
import dev.proclab.proc.SlabInfo;
import dev.proclab.real.ExecLookup;
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

    /** What the agent found out about this machine (the probe): the model is told, never guesses. */
    static synchronized void learn(dev.proclab.real.Machine machine) {
        Boolean zero = machine == null ? null : machine.fact("read_fault_zero_page");
        if (zero != null) config = config().withReadFaultZeroPage(zero);
    }

    static synchronized ModelConfig config() {
        if (config != null) return config;
        ModelConfig c = ModelConfig.DEFAULT;
        if (Posix.isLinux()) {
            Integer pidMax = readInt(ProcPaths.PID_MAX);
            if (pidMax != null) c = c.withHostPidMax(pidMax);
            Integer threadsMax = readInt(ProcPaths.THREADS_MAX);
            if (threadsMax != null) c = c.withThreadsMax(threadsMax);
            // no Yama (no such file): the classic ptrace rules
            Integer yama = readInt(ProcPaths.YAMA_PTRACE_SCOPE);
            c = c.withYamaScope(yama != null ? yama : -1);
            try {
                c = c.withRlimits(ProcLimits.parse(ProcFiles.read(ProcPaths.SELF_LIMITS)));
            } catch (IOException | RuntimeException e) {
                // init_task's limits stay
            }
            try {
                Long suid = ProcFiles.readLong(ProcPaths.SUID_DUMPABLE);
                c = c.withCore(!ProcFiles.read(ProcPaths.CORE_PATTERN).startsWith("|"), suid == null ? 0 : (int) (long) suid);
            } catch (IOException | RuntimeException e) {
                // the defaults: a core file in the process's directory, suid_dumpable 0
            }
            Boolean sysResource = capSysResource();
            if (sysResource != null) c = c.withCapSysResource(sysResource);
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
        return kernel(lab, null);
    }

    /**
     * The model for one lab on this machine: besides {@link #config()}, a fresh lab process's image as the
     * probe saw it (null: the defaults), and the struct layout the lab's sizeof and offsetof fields ask
     * for, read from the machine's BTF.
     */
    static ModelKernel kernel(Lab lab, Machine machine) {
        ModelConfig c = config();
        if (c.uid() != 0 && (lab.needs(Capability.ROOT) || lab.needs(Capability.SETUID))) c = c.withUid(0);
        if (Posix.isLinux()) {
            Map<String, String> exec = new LinkedHashMap<>();
            Map<String, java.util.List<Integer>> denied = new LinkedHashMap<>();
            for (var e : lab.execs()) {
                exec.putIfAbsent(e.argv().get(0), ExecLookup.errno(e.argv().get(0)));
                denied.computeIfAbsent(e.argv().get(0), ExecLookup::searchDenied);
            }
            c = c.withExec(exec).withSearchDenied(denied);
        }
        if (machine != null && machine.image() != null) {
            Machine.Image im = machine.image();
            LabImage d = LabImage.DEFAULT;
            if (im.vmas() >= im.anonVmas() && im.vmas() > 0) {
                c = c.withImage(im.vmas(), new LabImage(im.anonVmas(), im.idleWchan() != null ? im.idleWchan() : d.idleWchan(),
                        im.idleKstack() != null ? im.idleKstack() : d.idleKstack()));
            }
        }
        Map<String, Long> layout = layout(lab);
        if (!layout.isEmpty()) c = c.withLayout(layout);
        return new ModelKernel(c);
    }

    /** The sizeof and offsetof facts the lab observes, from /sys/kernel/btf/vmlinux (empty when it cannot be read). */
    static Map<String, Long> layout(Lab lab) {
        java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
        for (Step s : lab.steps()) {
            if (s instanceof Step.Observe o) {
                for (String f : o.system()) if (f.startsWith("sizeof.") || f.startsWith("offsetof.")) wanted.add(f);
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        if (wanted.isEmpty() || !Posix.isLinux()) return out;
        Btf btf = Btf.ofMachine();
        if (btf == null) return out;
        for (String f : wanted) {
            Long v = btf.field(f);
            if (v != null) out.put(f, v);
        }
        return out;
    }

    /** A model for labs that may exec these programs (the fuzzer's guide, before its lab exists). */
    static ModelKernel kernel(java.util.Collection<String> programs) {
        ModelConfig c = config();
        if (Posix.isLinux()) {
            Map<String, String> exec = new LinkedHashMap<>();
            Map<String, java.util.List<Integer>> denied = new LinkedHashMap<>();
            for (String p : programs) {
                exec.putIfAbsent(p, ExecLookup.errno(p));
                denied.computeIfAbsent(p, ExecLookup::searchDenied);
            }
            c = c.withExec(exec).withSearchDenied(denied);
        }
        return new ModelKernel(c);
    }

    /** CAP_SYS_RESOURCE in the effective set of this process (the agent runs with the same): bit 24 of CapEff. */
    private static Boolean capSysResource() {
        try {
            String v = ProcStatus.parse(ProcFiles.read(ProcPaths.SELF_STATUS)).get("CapEff");
            return v == null ? null : (Long.parseUnsignedLong(v.trim(), 16) >> 24 & 1) == 1;
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
