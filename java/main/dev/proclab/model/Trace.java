package dev.proclab.model;

import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernel's tracepoints would show of the model: every slab object the rules allocate and free
 * (kmem_cache_alloc, kmem_cache_free), the process events (task_newtask, sched_process_fork, ...), user
 * page faults and buddy allocations. Nothing is recorded until a lab asks for it (its first kernel
 * label); then each rule reports here, and an observe since a label reads the log from that point.
 * Objects have ids, so a free is matched to its allocation as the real side matches pointers.
 */
final class Trace {
    /** The cache indexes of {@link Fields#KERNEL_CACHES}. */
    static final int TASK = 0, CRED = 1, FILES = 2, FS = 3, SIGHAND = 4, SIGNAL = 5, MM = 6, VMA = 7, ANON_VMA = 8, AVC = 9, PID = 10;
    static final int MAX_RECORDS = 5_000_000;

    private enum Kind { ALLOC, FREE, EVENT, FAULT, PAGE }

    /** One record: who (the task in whose context it happened, or the task it is about), and what. */
    private record Rec(Kind kind, Task task, int cache, long obj, String event, Task object, String arg, List<String> stack, boolean newSlab) {}

    private final World w;
    private final List<Rec> log = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final long[] active = new long[Fields.KERNEL_CACHES.size()];
    private boolean on, full;
    private long nextId = 1;

    Trace(World w) {
        this.w = w;
    }

    boolean on() {
        return on;
    }

    // ---------------------------------------------------------------- what the rules report

    /**
     * kmem_cache_alloc of one object from {@code cache} in {@code t}'s context; its id (0 while not
     * tracing). When the cache's slabs are full (its objects fill whole slabs), this allocation first
     * takes a new slab of 2^order pages from the buddy allocator (allocate_slab).
     */
    long alloc(Task t, int cache, List<String> stack) {
        long before = active[cache]++;
        if (!on) return 0;
        SlabGeometry g = w.cfg.slabs().get(Fields.KERNEL_CACHES.get(cache));
        boolean fresh = g != null && before % g.objperslab() == 0;
        if (fresh) page(t, Integer.numberOfTrailingZeros(g.pagesperslab()));
        long id = nextId++;
        add(new Rec(Kind.ALLOC, t, cache, id, null, null, null, stack, fresh));
        return id;
    }

    /** kmem_cache_free of an object (any context: the real kernel frees many in RCU callbacks). */
    void free(int cache, long id) {
        active[cache]--;
        if (on && id != 0) add(new Rec(Kind.FREE, null, cache, id, null, null, null, null, false));
    }

    void free(int cache, LongList ids, int count) {
        active[cache] -= count;
        if (!on || ids == null) return;
        for (int i = 0; i < ids.size(); i++) add(new Rec(Kind.FREE, null, cache, ids.get(i), null, null, null, null, false));
    }

    void event(Task subject, String event, Task object, String arg) {
        if (on) add(new Rec(Kind.EVENT, subject, -1, 0, event, object, arg, null, false));
    }

    void fault(Task t, String kind) {
        if (on) add(new Rec(Kind.FAULT, t, -1, 0, kind, null, null, null, false));
    }

    void page(Task t, int order) {
        if (on) add(new Rec(Kind.PAGE, t, -1, order, null, null, null, null, false));
    }

    private void add(Rec r) {
        if (log.size() < MAX_RECORDS) log.add(r);
        else full = true;
    }

    /** The objects of one dup_mmap or image, for exit_mmap to free. */
    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (v == 0) return;
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long get(int i) {
            return a[i];
        }
    }

    // ---------------------------------------------------------------- the book's call paths

    /** The allocation's path as the book's kernel walks it, innermost first: do_fork → copy_process → ... */
    static List<String> forkPath(String entry, String... inner) {
        List<String> p = new ArrayList<>(List.of(inner));
        p.add("copy_process");
        p.add("do_fork");
        p.add(entry);
        return List.copyOf(p);
    }

    // ---------------------------------------------------------------- observe

    List<Observation> observe(Step.Observe o) {
        List<Observation> out = new ArrayList<>();
        if (o.since() != null) {
            Integer from = labels.get(o.since());
            for (String f : o.kernel()) {
                if (from == null) out.add(Observation.skip("kernel", f, "no kernel reading labelled " + o.since()));
                else if (full) out.add(Observation.skip("kernel", f, "the model's trace grew past " + MAX_RECORDS + " records"));
                else out.add(field(f, from, o.procs()));
            }
        }
        if (o.label() != null) {
            on = true;
            labels.put(o.label(), log.size());
        }
        return out;
    }

    private Observation field(String f, int from, List<String> procs) {
        List<Task> subjects = null;
        if (!procs.isEmpty()) {
            subjects = new ArrayList<>();
            for (String p : procs) {
                Task t = w.names.get(p);
                if (t != null) subjects.add(t);
            }
        }
        String head = f.contains(".") ? f.substring(0, f.indexOf('.')) : f;
        String rest = f.contains(".") ? f.substring(f.indexOf('.') + 1) : null;
        int cache = rest == null ? -1 : Fields.KERNEL_CACHES.indexOf(rest);
        Object v;
        switch (head) {
            case "allocs", "frees" -> {
                long[] n = new long[Fields.KERNEL_CACHES.size()];
                Map<Long, Boolean> mine = new HashMap<>();
                for (int i = from; i < log.size(); i++) {
                    Rec r = log.get(i);
                    if (r.kind == Kind.ALLOC && mine(r.task, subjects)) {
                        mine.put(r.obj, true);
                        if (head.equals("allocs")) n[r.cache]++;
                    } else if (r.kind == Kind.FREE && head.equals("frees") && mine.remove(r.obj) != null) {
                        n[r.cache]++;
                    }
                }
                v = rest == null ? nonZero(Fields.KERNEL_CACHES, n) : (Object) n[cache];
            }
            case "events" -> {
                List<String> ev = new ArrayList<>();
                for (int i = from; i < log.size(); i++) {
                    Rec r = log.get(i);
                    if (r.kind != Kind.EVENT || !mine(r.task, subjects)) continue;
                    String obj = r.object == null ? null : name(r.object);
                    String arg = r.arg == null ? obj : obj == null ? r.arg : r.arg + " " + obj;
                    ev.add(name(r.task) + ": " + r.event + (arg == null ? "" : " " + arg));
                }
                v = ev;
            }
            case "faults" -> {
                long[] n = new long[Fields.FAULT_KINDS.size()];
                for (int i = from; i < log.size(); i++) {
                    Rec r = log.get(i);
                    if (r.kind == Kind.FAULT && mine(r.task, subjects)) n[Fields.FAULT_KINDS.indexOf(r.event)]++;
                }
                v = rest == null ? nonZero(Fields.FAULT_KINDS, n) : (Object) n[Fields.FAULT_KINDS.indexOf(rest)];
            }
            case "pages" -> {
                long[] n = new long[Fields.MAX_ORDER + 1];
                for (int i = from; i < log.size(); i++) {
                    Rec r = log.get(i);
                    if (r.kind == Kind.PAGE && mine(r.task, subjects)) n[(int) r.obj]++;
                }
                List<String> orders = new ArrayList<>();
                for (int k = 0; k <= Fields.MAX_ORDER; k++) orders.add(String.valueOf(k));
                v = rest == null ? nonZero(orders, n) : (Object) n[Integer.parseInt(rest)];
            }
            case "stack", "node" -> {
                Rec first = null;
                for (int i = from; i < log.size() && first == null; i++) {
                    Rec r = log.get(i);
                    if (r.kind == Kind.ALLOC && r.cache == cache && mine(r.task, subjects)) first = r;
                }
                if (first == null) return Observation.skip("kernel", f, "no allocation from " + rest + " by the lab's processes since the label");
                // tsk_fork_get_node: NUMA_NO_NODE (-1) for every task but kthreadd's children; the node is not chosen
                v = head.equals("stack") ? first.stack : (Object) (-1L);
            }
            case "slabs" -> v = slabs(from, cache, subjects);
            default -> {
                return Observation.skip("kernel", f, "unknown kernel field " + f);
            }
        }
        return Observation.of("kernel", f, v);
    }

    /**
     * New slabs of a cache, as the book has it: objects fill a slab in order, and the allocation that
     * finds it full takes 2^order pages from the buddy allocator for a new one (allocate_slab).
     */
    private Object slabs(int from, int cache, List<Task> subjects) {
        SlabGeometry g = w.cfg.slabs().get(Fields.KERNEL_CACHES.get(cache));
        Map<String, Object> v = new LinkedHashMap<>();
        long slabs = 0;
        for (int i = from; i < log.size(); i++) {
            Rec r = log.get(i);
            if (r.kind == Kind.ALLOC && r.cache == cache && mine(r.task, subjects) && r.newSlab) slabs++;
        }
        v.put("slabs", slabs);
        v.put("order", g == null ? null : (long) Integer.numberOfTrailingZeros(g.pagesperslab()));
        v.put("every", g == null || slabs < 2 ? null : (long) g.objperslab());
        return v;
    }

    private static boolean mine(Task t, List<Task> subjects) {
        if (t == null) return false;
        return subjects == null ? t.labTask : subjects.contains(t);
    }

    private static String name(Task t) {
        return t.name != null ? t.name : String.valueOf(t.nr[0]);
    }

    private static Map<String, Object> nonZero(List<String> keys, long[] n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) if (n[i] != 0) out.put(keys.get(i), n[i]);
        return out;
    }

}
