package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Fields;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Step;
import dev.proclab.proc.Kallsyms;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.SlabAliases;
import dev.proclab.proc.SlabInfo;
import dev.proclab.proc.TraceFormat;
import dev.proclab.proc.TraceRing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel subject on the real side: the agent's tracefs instance (docs/protocol.md, "trace"), its
 * events switched on as labels ask for them, its ring-buffer pages parsed here, and each since-observe
 * answered from the records between its label and now ({@link KernelWindow}).
 */
final class KernelTracer {
    /** One command to the agent. */
    interface Agent {
        JsonNode call(String command) throws KernelException;
    }

    /** The tracepoints of `events`; sched_process_fork is always on: it tells which processes are the lab's. */
    static final List<String> SCHED_EVENTS = List.of("task/task_newtask", "sched/sched_process_fork", "sched/sched_wakeup_new",
            "task/task_rename", "sched/sched_process_exec", "sched/sched_process_exit", "signal/signal_generate",
            "sched/sched_process_wait", "sched/sched_process_free");

    /** How long a since-observe waits for work the kernel defers (RCU callbacks, a lazy mm). */
    static final long SETTLE_MS = 3000;

    /** A label: when it was taken, the loss counters then, the lab's processes then, what it traces. */
    record Label(long time, long lost, long dropped, Set<Long> pids, Set<String> families, String unavailable) {}

    private final Agent agent;
    private final NameTable names;
    private String unavailable;
    private boolean opened;
    private final Set<String> enabled = new HashSet<>();
    private final Set<String> stackCaches = new LinkedHashSet<>();
    private final Map<Integer, TraceFormat> formats = new HashMap<>();
    private final List<TraceRing.Record> records = new ArrayList<>();
    private final Map<String, Label> labels = new HashMap<>();
    private long lost, dropped, missedPages;
    private String instance;
    private Kallsyms syms;
    private SlabCallSites sites;

    KernelTracer(Agent agent, NameTable names) {
        this.agent = agent;
        this.names = names;
    }

    /** Switches on what these kernel families need (as a label would); null, or why tracing cannot run. */
    String start(Set<String> families) throws KernelException {
        if (unavailable == null) prepare(families);
        return unavailable;
    }

    /** Drains the buffers and drops what was read: {bytes of records read, events lost so far}. */
    long[] drainCount() throws KernelException {
        JsonNode r = agent.call("trace read count");
        return new long[] {r.path("bytes").asLong(), r.path("lost_events").asLong() + r.path("dropped_pages").asLong()};
    }

    /** Removes the instance; a later start makes a new one. */
    void stop() throws KernelException {
        agent.call("trace close");
        opened = false;
        enabled.clear();
        stackCaches.clear();
        unavailable = null;
    }

    /** The instance's name while one was made (for the cleanup of a killed agent), else null. */
    String instance() {
        return instance;
    }

    List<Observation> observe(Step.Observe o) throws KernelException {
        List<Observation> out = new ArrayList<>();
        if (o.since() != null) out.addAll(since(o));
        if (o.label() != null) label(o);
        return out;
    }

    private void label(Step.Observe o) throws KernelException {
        Set<String> fams = new LinkedHashSet<>();
        for (String f : o.kernel()) fams.add(Fields.kernelFamily(f));
        if (unavailable == null) prepare(fams);
        if (unavailable != null) {
            labels.put(o.label(), new Label(0, 0, 0, Set.of(), fams, unavailable));
            return;
        }
        long now = read(false);
        labels.put(o.label(), new Label(now, lost + missedPages, dropped, Set.copyOf(labPids()), fams, null));
    }

    /** Opens the instance when first needed and switches on what these families need. */
    private void prepare(Set<String> fams) throws KernelException {
        if (!opened) {
            JsonNode r = agent.call("trace open");
            if (!r.path("ok").asBoolean()) {
                unavailable = "tracing is not available: " + r.path("message").asText(r.path("errno").asText("?"));
                return;
            }
            opened = true;
            instance = r.path("instance").asText(null);
            JsonNode st = agent.call("trace format ftrace/kernel_stack");
            if (st.has("format")) remember(st.get("format").asText());
        }
        Set<String> want = new LinkedHashSet<>();
        want.add("sched/sched_process_fork");
        boolean allocs = false;
        for (String f : fams) {
            switch (f) {
                case "events" -> want.addAll(SCHED_EVENTS);
                case "allocs", "frees", "slabs" -> allocs = true;
                case "faults" -> want.add("exceptions/page_fault_user");
                case "pages" -> want.add("kmem/mm_page_alloc");
                default -> {
                    if (f.startsWith("stack.")) {
                        allocs = true;
                        stackCaches.add(f.substring(6));
                    }
                }
            }
            if (f.equals("slabs")) want.add("kmem/mm_page_alloc");
        }
        if (allocs || fams.contains("frees")) {
            if (!callSites()) return;
        }
        for (String ev : want) enable(ev, null);
        // never without a filter: every slab allocation and free of the machine would be recorded
        if (allocs) enableFiltered("kmem/kmem_cache_alloc", sites.filter(Fields.KERNEL_CACHES), "none of the caches' allocating functions is in " + ProcPaths.KALLSYMS);
        if (fams.contains("frees")) enableFiltered("kmem/kmem_cache_free", sites.freeFilter(Fields.KERNEL_CACHES, slabinfoNames()), "the caches' names cannot be found in /proc/slabinfo");
        if (!stackCaches.isEmpty() && unavailable == null) {
            // one stacktrace trigger per event: it is replaced by one for all the caches asked so far
            agent.call("trace trigger kmem/kmem_cache_alloc " + quote("!stacktrace"));
            JsonNode r = agent.call("trace trigger kmem/kmem_cache_alloc " + quote("stacktrace if " + sites.stackFilter(stackCaches, slabinfoNames())));
            if (!r.path("ok").asBoolean()) unavailable = "the stacktrace trigger cannot be set: " + r.path("message").asText();
        }
    }

    private boolean callSites() {
        if (sites != null) return true;
        try {
            syms = Kallsyms.parse(ProcFiles.read(ProcPaths.KALLSYMS));
        } catch (IOException e) {
            syms = null;
        }
        if (syms == null) {
            unavailable = ProcPaths.KALLSYMS + " shows no addresses here (kptr_restrict, or not root): call sites cannot be named";
            return false;
        }
        SlabAliases aliases = new SlabAliases(Path.of(ProcPaths.SYS_SLAB));
        if (!aliases.readable()) {
            unavailable = ProcPaths.SYS_SLAB + " cannot be read: merged slab caches cannot be told apart";
            return false;
        }
        sites = new SlabCallSites(syms, aliases);
        return true;
    }

    private List<String> slabinfoNames() throws KernelException {
        JsonNode r = agent.call("slabinfo");
        if (!r.has("text")) return List.of();
        return new ArrayList<>(SlabInfo.parse(r.get("text").asText()).keySet());
    }

    private void enableFiltered(String event, String filter, String whyEmpty) throws KernelException {
        if (filter.isEmpty()) {
            if (unavailable == null) unavailable = "the tracepoint " + event + " cannot be narrowed to the lab's caches: " + whyEmpty;
            return;
        }
        enable(event, filter);
    }

    private void enable(String event, String filter) throws KernelException {
        String key = event + (filter == null ? "" : " " + filter);
        if (unavailable != null || enabled.contains(key)) return;
        JsonNode r = agent.call("trace enable " + event + (filter == null || filter.isEmpty() ? "" : " " + quote(filter)));
        if (!r.path("ok").asBoolean()) {
            unavailable = "the tracepoint " + event + " cannot be enabled: " + r.path("message").asText();
            return;
        }
        remember(r.path("format").asText());
        enabled.add(key);
    }

    private void remember(String format) {
        try {
            TraceFormat f = TraceFormat.parse(format);
            formats.put(f.id(), f);
        } catch (RuntimeException e) {
            // a format we cannot read: its records stay unread
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Drains the agent's pages into {@link #records}; returns the agent's clock at the read. */
    private long read(boolean settle) throws KernelException {
        if (settle) agent.call("trace settle");
        JsonNode r = agent.call("trace read");
        lost = r.path("lost_events").asLong();
        dropped = r.path("dropped_pages").asLong();
        Base64.Decoder dec = Base64.getDecoder();
        for (JsonNode p : r.path("pages")) {
            TraceRing.Page page = TraceRing.parse(p.get(0).asInt(), dec.decode(p.get(1).asText()));
            if (page.missedBefore()) missedPages++;
            records.addAll(page.records());
        }
        return r.path("now").asLong();
    }

    /** Host pids of the lab's processes that are gone: reaped, or threads ended (the agent's names table). */
    private Set<Long> gone() throws KernelException {
        Set<Long> out = new HashSet<>();
        for (JsonNode row : agent.call("names").path("names")) {
            if (!row.get(3).asBoolean() && row.get(2).asLong() > 0) out.add(row.get(2).asLong());
        }
        return out;
    }

    /** Host pids of the lab's processes that exist now (a reaped one's pid may go to another process). */
    private Set<Long> labPids() throws KernelException {
        Set<Long> out = new HashSet<>();
        for (JsonNode row : agent.call("names").path("names")) {
            long host = row.get(2).asLong();
            if (row.get(3).asBoolean() && host > 0 && !row.get(0).asText().equals("agent")) out.add(host);
        }
        return out;
    }

    private List<Observation> since(Step.Observe o) throws KernelException {
        Label base = labels.get(o.since());
        List<Observation> out = new ArrayList<>();
        String why = base == null ? "no kernel reading labelled " + o.since() : base.unavailable();
        if (why != null) {
            for (String f : o.kernel()) out.add(Observation.skip("kernel", f, why));
            return out;
        }
        boolean deferred = false;
        for (String f : o.kernel()) deferred |= f.startsWith("frees") || f.equals("events");
        long now = read(deferred);
        if (deferred) {
            // frees and sched_process_free come after an RCU grace period, a dropped mm at the next
            // context switch of its CPU: settle (a grace period, a visit to each CPU) until what the
            // forks of children now gone allocated is freed, within a bound
            Set<Long> gone = gone();
            long end = System.nanoTime() + SETTLE_MS * 1_000_000;
            do {
                now = read(true);
            } while (System.nanoTime() < end && KernelWindow.of(this, base, now, o.procs(), names).missing(gone) > 0);
        }
        long lostNow = lost + missedPages - base.lost(), droppedNow = dropped - base.dropped();
        if (lostNow > 0 || droppedNow > 0) {
            String reason = "the trace lost " + (lostNow > 0 ? lostNow + " events (per_cpu stats and page headers)" : "")
                    + (lostNow > 0 && droppedNow > 0 ? " and " : "") + (droppedNow > 0 ? droppedNow + " pages the agent could not keep" : "")
                    + " since label " + o.since() + ": its counts would be wrong";
            for (String f : o.kernel()) out.add(Observation.skip("kernel", f, reason));
            return out;
        }
        KernelWindow w = KernelWindow.of(this, base, now, o.procs(), names);
        for (String f : o.kernel()) out.add(w.field(f));
        return out;
    }

    List<TraceRing.Record> records() {
        return records;
    }

    TraceFormat format(int id) {
        return formats.get(id);
    }

    SlabCallSites sites() {
        return sites;
    }

    Kallsyms syms() {
        return syms;
    }

    Set<String> stackCaches() {
        return stackCaches;
    }
}
