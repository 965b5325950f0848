package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PfFlags;
import dev.proclab.kernel.Signals;
import dev.proclab.kernel.WaitStatus;
import dev.proclab.proc.Children;
import dev.proclab.proc.PagemapEntry;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.ProcStack;
import dev.proclab.proc.ProcStat;
import dev.proclab.proc.ProcStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One observe answer of the agent (raw /proc text and memory tables), turned into field values. */
final class RawProcess {
    private final JsonNode raw;
    private final NameTable names;
    private final boolean pidNamespace;
    private final ProcStat stat;
    private final ProcStatus status;

    RawProcess(JsonNode raw, NameTable names, boolean pidNamespace) {
        this.raw = raw;
        this.names = names;
        this.pidNamespace = pidNamespace;
        this.stat = raw.hasNonNull("stat") ? ProcStat.parse(raw.get("stat").asText()) : null;
        this.status = raw.hasNonNull("status") ? ProcStatus.parse(raw.get("status").asText()) : null;
    }

    Observation field(String subject, String f) {
        boolean exists = raw.path("exists").asBoolean(false) && stat != null;
        switch (f) {
            case "exists":
                return Observation.of(subject, f, exists);
            case "errno":
                return Observation.of(subject, f, raw.path("errno").isNull() ? null : raw.path("errno").asText(null));
            case "wait":
                return Observation.of(subject, f, waitValue());
            default:
                break;
        }
        if (!exists) return Observation.of(subject, f, null);
        if (f.startsWith("var.")) {
            JsonNode vars = raw.get("vars");
            JsonNode v = vars == null ? null : vars.get(f.substring(4));
            return Observation.of(subject, f, v == null || v.isNull() ? null : v.asLong());
        }
        if (f.startsWith("frames.")) return frames(subject, f, f.substring(7));
        if (f.startsWith("flags.")) return Observation.of(subject, f, (stat.flags() & PfFlags.bit(f.substring(6))) != 0);
        if (f.equals("wchan")) {
            if (!raw.has("wchan")) return Observation.skip(subject, f, "/proc/PID/wchan could not be read (" + raw.path("wchan_errno").asText("?") + ")");
            return Observation.of(subject, f, ProcStack.wchan(raw.get("wchan").asText()));
        }
        if (f.equals("kstack")) {
            if (!raw.has("stack")) {
                String e = raw.path("stack_errno").asText("?");
                return Observation.skip(subject, f, "/proc/PID/stack could not be read (" + e + ")"
                        + (e.equals("EACCES") || e.equals("EPERM") ? ": it needs root (CAP_SYS_ADMIN)" : ""));
            }
            return Observation.of(subject, f, ProcStack.frames(raw.get("stack").asText()));
        }
        Object v = switch (f) {
            case "pid" -> pidNamespace ? status.innermostPid() : stat.pid();
            case "ppid" -> pidValue(stat.ppid());
            case "tgid" -> pidValue(status.tgid());
            case "pgid" -> pidValue(stat.pgrp());
            case "sid" -> pidValue(stat.session());
            case "state" -> String.valueOf(stat.state());
            case "comm" -> stat.comm();
            case "threads" -> status.threads();
            case "flags" -> PfFlags.names(stat.flags());
            case "kthread" -> status.kthread() != null ? status.kthread() : (stat.flags() & PfFlags.KTHREAD) != 0;
            case "children" -> children();
            case "minflt" -> stat.minflt();
            case "majflt" -> stat.majflt();
            case "rss_anon_kb" -> status.rssAnonKb() < 0 ? null : status.rssAnonKb();
            case "vm_pte_kb" -> status.vmPteKb() < 0 ? null : status.vmPteKb();
            // a zombie takes no signal: its sets are null, as the model's
            case "pending" -> stat.state() == 'Z' ? null : Signals.names(status.mask("SigPnd") | status.mask("ShdPnd"));
            case "blocked" -> stat.state() == 'Z' ? null : Signals.names(status.mask("SigBlk"));
            case "caught" -> stat.state() == 'Z' ? null : Signals.names(status.mask("SigCgt"));
            case "ignored" -> stat.state() == 'Z' ? null : Signals.names(status.mask("SigIgn"));
            default -> null;
        };
        return Observation.of(subject, f, v);
    }

    /** A pid of the agent's (host) view as the lab sees it: a name, 0 outside the lab's namespace, or its number there. */
    Object pidValue(long hostPid) {
        if (hostPid == 0) return 0L;
        String name = names.byHost(hostPid);
        if (name != null) return pidNamespace && name.equals("agent") ? (Object) 0L : name;
        return pidNamespace ? labPid(hostPid) : hostPid;
    }

    /** A process without a lab name, as the lab's namespace (one level below ours) numbers it: its NSpid there, or 0. */
    private static long labPid(long hostPid) {
        try {
            List<Long> ns = ProcStatus.parse(ProcFiles.read(ProcPaths.status(hostPid))).nsPids();
            return ns.size() > 1 ? ns.get(1) : 0L;
        } catch (java.io.IOException | RuntimeException e) {
            return 0L; // gone meanwhile: the kernel would no longer name it either
        }
    }

    private List<Object> children() {
        List<Object> out = new ArrayList<>();
        for (long c : Children.parse(raw.path("children").asText(""))) out.add(pidValue(c));
        return out;
    }

    private Map<String, Object> waitValue() {
        JsonNode w = raw.get("wait");
        if (w == null || w.isNull()) return null;
        long pid = w.path("pid").asLong();
        Object who = w.hasNonNull("name") ? w.get("name").asText() : pid == 0 ? 0L : nsName(pid);
        return WaitStatus.decode(who, w.path("status").asInt());
    }

    private Object nsName(long nsPid) {
        String n = names.byNs(nsPid);
        return n != null ? n : nsPid;
    }

    private Observation frames(String subject, String f, String region) {
        JsonNode r = raw.path("regions").get(region);
        if (r == null || r.isNull()) return Observation.of(subject, f, null);
        long present = 0, exclusive = 0, shared = 0;
        JsonNode entries = r.path("pagemap");
        JsonNode counts = r.get("kpagecount");
        // the agent sends one count for every page of the region (0 where none is present)
        for (int i = 0; i < entries.size(); i++) {
            PagemapEntry pe = PagemapEntry.ofHex(entries.get(i).asText());
            if (!pe.present()) continue;
            present++;
            if (pe.exclusive()) exclusive++;
            if (counts != null && i < counts.size() && counts.get(i).asLong() > 1) shared++;
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("pages", r.path("pages").asLong(entries.size()));
        v.put("present", present);
        // no page present: none is shared, and nothing needed counting (the agent sends no counts then)
        if (counts != null || present == 0) v.put("shared", shared);
        v.put("exclusive", exclusive);
        if (counts == null && present > 0) {
            return new Observation(subject, f, dev.proclab.kernel.Values.normalize(v),
                    "frames.shared needs PFNs and /proc/kpagecount (pagemap-pfn), which this user cannot read");
        }
        return Observation.of(subject, f, v);
    }
}
