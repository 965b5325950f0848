package dev.proclab.real;

import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Signals;
import dev.proclab.proc.TraceFormat;
import dev.proclab.proc.TraceRing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records between a label and now, read as the kernel subject's fields (docs/observations.md,
 * "The kernel subject"). The lab's processes are those the lab named by the label and every task they
 * forked since (sched_process_fork); {@code proc:} narrows the counts to some of them.
 */
final class KernelWindow {
    /** A record with its format (the event's name and fields). */
    private record Rec(TraceRing.Record r, TraceFormat f) {
        String event() {
            return f.name();
        }

        long num(String field) {
            return f.number(r.data(), field);
        }

        String str(String field) {
            return f.string(r.data(), field);
        }
    }

    private final KernelTracer tracer;
    private final NameTable names;
    private final List<Rec> recs = new ArrayList<>();
    private final Set<Long> lab = new HashSet<>();
    private final Set<Long> subjects;

    private KernelWindow(KernelTracer tracer, KernelTracer.Label base, long now, List<String> procs, NameTable names) {
        this.tracer = tracer;
        this.names = names;
        List<TraceRing.Record> all = new ArrayList<>();
        for (TraceRing.Record r : tracer.records()) if (r.time() >= base.time() && r.time() <= now) all.add(r);
        all.sort((a, b) -> Long.compare(a.time(), b.time())); // stable: one CPU's records keep their order
        for (TraceRing.Record r : all) {
            TraceFormat f = tracer.format(r.type());
            if (f != null) recs.add(new Rec(r, f));
        }
        lab.addAll(base.pids());
        for (Rec x : recs) {
            if (x.event().equals("sched_process_fork") && lab.contains(x.num("parent_pid"))) lab.add(x.num("child_pid"));
        }
        if (procs.isEmpty()) {
            subjects = lab;
        } else {
            subjects = new HashSet<>();
            for (String p : procs) {
                Long h = names.hostPid(p);
                if (h != null) subjects.add(h);
            }
        }
    }

    static KernelWindow of(KernelTracer tracer, KernelTracer.Label base, long now, List<String> procs, NameTable names) {
        return new KernelWindow(tracer, base, now, procs, names);
    }

    /** The functions of the fork path: what they allocate belongs to the child the fork makes. */
    static final Set<String> FORK_PATH = Set.of("copy_process", "dup_task_struct", "prepare_creds", "copy_creds", "dup_fd",
            "copy_files", "copy_fs_struct", "copy_fs", "copy_sighand", "copy_signal", "copy_mm", "dup_mm", "vm_area_dup",
            "anon_vma_fork", "anon_vma_clone", "alloc_pid");

    /**
     * What the kernel still owes the window: of each child forked in it that is gone now (exited and
     * released: {@code gone}), the objects its fork allocated that are not freed yet, and its
     * sched_process_free if it has not come. The kernel frees those after an RCU grace period, an mm
     * when its CPU next switches to another process: a settling read waits for them.
     */
    int missing(Set<Long> gone) {
        Map<Long, List<Long>> pending = new HashMap<>(); // context → fork allocations not yet claimed by a child
        Map<Long, List<Long>> ofChild = new HashMap<>();
        Set<Long> freed = new HashSet<>(), freedTasks = new HashSet<>(), exited = new HashSet<>();
        for (Rec x : recs) {
            long ctx = x.r().pid();
            switch (x.event()) {
                case "kmem_cache_alloc" -> {
                    if (!lab.contains(ctx) || cacheOf(x) == null) continue;
                    String fn = tracer.syms().function(x.num("call_site"));
                    if (FORK_PATH.contains(fn)) pending.computeIfAbsent(ctx, k -> new ArrayList<>()).add(x.num("ptr"));
                }
                case "task_newtask" -> {
                    List<Long> p = pending.remove(ctx);
                    if (p != null && lab.contains(ctx)) ofChild.put(x.num("pid"), p);
                }
                case "kmem_cache_free" -> freed.add(x.num("ptr"));
                case "sched_process_free" -> freedTasks.add(x.num("pid"));
                case "sched_process_exit" -> exited.add(x.num("pid"));
                default -> { }
            }
        }
        int n = 0;
        for (long child : ofChild.keySet()) {
            if (!gone.contains(child) || !exited.contains(child)) continue;
            for (long ptr : ofChild.get(child)) if (!freed.contains(ptr)) n++;
            if (!freedTasks.contains(child)) n++;
        }
        return n;
    }

    Observation field(String f) {
        try {
            return compute(f);
        } catch (RuntimeException e) {
            return Observation.skip("kernel", f, "the trace records could not be read: " + e.getMessage());
        }
    }

    private Observation compute(String f) {
        String head = f.contains(".") ? f.substring(0, f.indexOf('.')) : f;
        String rest = f.contains(".") ? f.substring(f.indexOf('.') + 1) : null;
        Object v = switch (head) {
            case "allocs" -> rest == null ? nonZero(allocs()) : (long) allocs().getOrDefault(rest, 0);
            case "frees" -> rest == null ? nonZero(frees()) : (long) frees().getOrDefault(rest, 0);
            case "events" -> events();
            case "faults" -> rest == null ? nonZero(faults()) : (long) faults().getOrDefault(rest, 0);
            case "pages" -> rest == null ? nonZero(pages()) : (long) pages().getOrDefault(rest, 0);
            case "stack" -> stack(rest);
            case "node" -> node(rest);
            case "slabs" -> slabs(rest);
            default -> null;
        };
        if (v == null && (head.equals("stack") || head.equals("node"))) {
            return Observation.skip("kernel", f, "no allocation from " + rest + " by the lab's processes since the label");
        }
        return Observation.of("kernel", f, v);
    }

    private static Map<String, Object> nonZero(Map<String, Integer> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : m.entrySet()) if (e.getValue() != 0) out.put(e.getKey(), (long) e.getValue());
        return out;
    }

    private static Map<String, Integer> zeroCaches() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String c : Fields.KERNEL_CACHES) m.put(c, 0);
        return m;
    }

    /** The cache of an allocation record (by call site), or null when it is none of ours. */
    private String cacheOf(Rec x) {
        SlabCallSites s = tracer.sites();
        return s == null ? null : s.cacheOf(x.num("call_site"), x.str("name"));
    }

    private boolean isAlloc(Rec x) {
        return x.event().equals("kmem_cache_alloc") && subjects.contains((long) x.r().pid());
    }

    private Map<String, Integer> allocs() {
        Map<String, Integer> m = zeroCaches();
        for (Rec x : recs) {
            if (!isAlloc(x)) continue;
            String c = cacheOf(x);
            if (c != null) m.merge(c, 1, Integer::sum);
        }
        return m;
    }

    /** Frees, in any context (RCU callbacks run wherever), of objects the window allocated. */
    private Map<String, Integer> frees() {
        Map<String, Integer> m = zeroCaches();
        Map<Long, String> live = new HashMap<>();
        for (Rec x : recs) {
            if (isAlloc(x)) {
                String c = cacheOf(x);
                if (c != null) live.put(x.num("ptr"), c);
            } else if (x.event().equals("kmem_cache_free")) {
                String c = live.remove(x.num("ptr"));
                if (c != null) m.merge(c, 1, Integer::sum);
            }
        }
        return m;
    }

    private Map<String, Integer> faults() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String k : Fields.FAULT_KINDS) m.put(k, 0);
        for (Rec x : recs) {
            if (!x.event().equals("page_fault_user") || !subjects.contains((long) x.r().pid())) continue;
            long ec = x.num("error_code");
            // x86 page fault error code: bit 0 the page was present, bit 1 a write, bit 4 an instruction fetch
            String kind = (ec & 0x10) != 0 ? "exec" : (ec & 2) == 0 ? "read" : (ec & 1) == 0 ? "write" : "cow";
            m.merge(kind, 1, Integer::sum);
        }
        return m;
    }

    private Map<String, Integer> pages() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i <= Fields.MAX_ORDER; i++) m.put(String.valueOf(i), 0);
        for (Rec x : recs) {
            if (!x.event().equals("mm_page_alloc") || !subjects.contains((long) x.r().pid())) continue;
            m.merge(String.valueOf(x.num("order")), 1, Integer::sum);
        }
        return m;
    }

    private Rec firstAlloc(String cache) {
        for (Rec x : recs) if (isAlloc(x) && cache.equals(cacheOf(x))) return x;
        return null;
    }

    private Object node(String cache) {
        Rec x = firstAlloc(cache);
        return x == null ? null : x.num("node");
    }

    /** The kernel stack the stacktrace trigger recorded right after the first allocation, tracing's own frames left out. */
    private Object stack(String cache) {
        Rec x = firstAlloc(cache);
        if (x == null) return null;
        int i = recs.indexOf(x);
        for (int j = i + 1; j < recs.size(); j++) {
            Rec y = recs.get(j);
            if (y.r().cpu() != x.r().cpu()) continue;
            if (!y.event().equals("kernel_stack")) return List.of();
            return frames(y);
        }
        return List.of();
    }

    private List<String> frames(Rec y) {
        byte[] d = y.r().data();
        long size = y.num("size");
        int off = y.f().fields().get("caller").offset();
        List<String> out = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(d).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < size && off + 8 * k + 8 <= d.length; k++) {
            long addr = b.getLong(off + 8 * k);
            if (addr == 0 || addr == -1) break;
            String fn = tracer.syms().function(addr);
            if (fn == null) fn = "0x" + Long.toHexString(addr);
            if (out.isEmpty() && (fn.startsWith("trace_event_raw_event_") || fn.startsWith("__traceiter_") || fn.startsWith("trace_"))) continue;
            out.add(fn);
        }
        return out;
    }

    /**
     * New slabs of a cache: an allocation that had to take pages from the buddy allocator first (an
     * mm_page_alloc in the same task since its previous allocation, whose pages hold the new object).
     */
    private Object slabs(String cache) {
        long base = directMapBase();
        Map<Long, List<Rec>> pagesOf = new HashMap<>();
        List<Integer> at = new ArrayList<>();
        Map<Long, Integer> orders = new HashMap<>();
        int n = 0;
        for (Rec x : recs) {
            long pid = x.r().pid();
            if (!subjects.contains(pid)) continue;
            if (x.event().equals("mm_page_alloc")) {
                pagesOf.computeIfAbsent(pid, k -> new ArrayList<>()).add(x);
            } else if (x.event().equals("kmem_cache_alloc")) {
                List<Rec> before = pagesOf.remove(pid);
                if (!cache.equals(cacheOf(x))) continue;
                n++;
                if (before == null || base == Long.MIN_VALUE) continue;
                long pfn = (x.num("ptr") - base) >>> 12;
                for (Rec p : before) {
                    long first = p.num("pfn"), order = p.num("order");
                    if (pfn >= first && pfn < first + (1L << order)) {
                        at.add(n);
                        orders.merge(order, 1, Integer::sum);
                        break;
                    }
                }
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("slabs", (long) at.size());
        v.put("order", mode(orders));
        Map<Long, Integer> gaps = new HashMap<>();
        for (int i = 1; i < at.size(); i++) gaps.merge((long) (at.get(i) - at.get(i - 1)), 1, Integer::sum);
        v.put("every", mode(gaps));
        return v;
    }

    private static Long mode(Map<Long, Integer> counts) {
        Long best = null;
        int bestN = 0;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestN || (e.getValue() == bestN && best != null && e.getKey() < best)) {
                best = e.getKey();
                bestN = e.getValue();
            }
        }
        return best;
    }

    /**
     * Where the kernel maps all memory (page_offset_base, randomized in 1 GiB steps): an object's address
     * less its page's physical address, for allocations right after a page allocation in the same task.
     * A true pair gives the base plus less than the new pages' size; pairs that do not are left out,
     * and the most common 1 GiB boundary of the rest is the base.
     */
    private long directMapBase() {
        Map<Long, Integer> votes = new HashMap<>();
        Map<Long, Rec> lastPage = new HashMap<>();
        for (Rec x : recs) {
            long pid = x.r().pid();
            if (x.event().equals("mm_page_alloc")) lastPage.put(pid, x);
            else if (x.event().equals("kmem_cache_alloc")) {
                Rec p = lastPage.remove(pid);
                if (p == null) continue;
                long d = x.num("ptr") - (p.num("pfn") << 12);
                // a true pair puts the object inside the new pages; a chance pair lands anywhere in 1 GiB
                if ((d & ((1L << 30) - 1)) < (4096L << p.num("order"))) votes.merge(d & ~((1L << 30) - 1), 1, Integer::sum);
            }
        }
        Long m = mode(votes);
        return m == null ? Long.MIN_VALUE : m;
    }

    /**
     * The lab's tracepoints in order, each "SUBJECT: EVENT [OBJECT]": the task the event is about (the
     * one running it, or for sched_wakeup_new, sched_process_exit and sched_process_free the task named in
     * it), the event, and the other task or the signal it concerns.
     */
    private List<String> events() {
        List<String> out = new ArrayList<>();
        for (Rec x : recs) {
            long ctx = x.r().pid();
            String s = switch (x.event()) {
                case "task_newtask" -> line(ctx, "task_newtask", name(x.num("pid")));
                case "sched_process_fork" -> line(x.num("parent_pid"), "sched_process_fork", name(x.num("child_pid")));
                case "sched_wakeup_new" -> line(x.num("pid"), "sched_wakeup_new", null);
                case "task_rename" -> line(ctx, "task_rename", x.str("newcomm"));
                case "sched_process_exec" -> line(x.num("pid"), "sched_process_exec", basename(x.str("filename")));
                case "sched_process_exit" -> line(x.num("pid"), "sched_process_exit", null);
                case "sched_process_wait" -> line(ctx, "sched_process_wait", x.num("pid") == 0 ? "any" : name(x.num("pid")));
                case "sched_process_free" -> line(x.num("pid"), "sched_process_free", null);
                case "signal_generate" -> line(ctx, "signal_generate", Signals.name((int) x.num("sig")) + " " + name(x.num("pid")));
                default -> null;
            };
            if (s != null) out.add(s);
        }
        return out;
    }

    private String line(long subject, String event, String object) {
        if (!subjects.contains(subject)) return null;
        return name(subject) + ": " + event + (object == null ? "" : " " + object);
    }

    private String name(long hostPid) {
        String n = names.byHost(hostPid);
        return n != null ? n : String.valueOf(hostPid);
    }

    private static String basename(String path) {
        int s = path.lastIndexOf('/');
        return s < 0 ? path : path.substring(s + 1);
    }
}
