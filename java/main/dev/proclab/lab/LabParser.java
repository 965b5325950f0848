package dev.proclab.lab;

import dev.proclab.kernel.Capability;
import dev.proclab.kernel.CloneFlags;
import dev.proclab.kernel.Duration;
import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Limits;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.PfFlags;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Signals;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.Tolerance;
import dev.proclab.kernel.Values;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a lab file (LAB-FORMAT.md) into a {@link Lab}, checking everything that can be checked before
 * a run. Every problem is a {@link LabError} at the line and column of the offending token; several
 * are collected per file (one per step at most), in file order.
 */
public final class LabParser {
    /** Every step keyword, in LAB-FORMAT.md's order. */
    public static final List<String> STEPS = List.of(
            "fork", "vfork", "clone", "exec", "exit", "signal", "wait", "hold", "block", "spin", "set", "add",
            "map", "touch", "subreaper", "ignore", "setuid", "rlimit", "ptrace", "setpgid", "setsid", "handle", "mask",
            "pause", "repeat", "observe");

    /** The keys of a lab. */
    public static final List<String> LAB_KEYS =
            List.of("id", "title", "source", "concepts", "requires", "sandbox", "questions", "steps");

    public static final List<String> SANDBOX_KEYS = List.of("pid_namespace", "pid_max", "pids_max", "user_namespace");

    /**
     * waitid's options as waitpid spells them; {@code __WCLONE} waits only for "clone" children (an exit
     * signal other than SIGCHLD), {@code __WALL} for every child, {@code __WNOTHREAD} only for the
     * children of the waiting thread itself (eligible_child, do_wait_thread).
     */
    public static final List<String> WAIT_OPTIONS = List.of("WNOHANG", "WUNTRACED", "WCONTINUED", "WNOWAIT", "__WALL", "__WCLONE", "__WNOTHREAD");

    /** setrlimit resources, without the RLIMIT_ prefix. */
    public static final List<String> RLIMITS = List.of("CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC",
            "NOFILE", "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME");

    public static final List<String> OBSERVE_KEYS = List.of(
            "proc", "pid", "slab", "system", "kernel", "fields", "label", "since", "expect", "tolerance", "explain");

    /** Signal names 1..31 (SIGHUP .. SIGSYS). */
    public static final List<String> SIGNALS =
            java.util.stream.IntStream.rangeClosed(1, 31).mapToObj(Signals::name).toList();

    /** Process states as /proc shows them. */
    public static final String STATES = "RSDTtZXI";

    /** A repeat that leaves more processes than this alive needs a sandbox. */
    public static final long SANDBOX_THRESHOLD = 1000;

    /** Iterations of a repeat (nesting multiplied) allowed outside a sandbox; -Dproclab.repeat.ceiling changes it. */
    public static final long REPEAT_CEILING = 100_000;

    static long repeatCeiling() {
        try {
            return Long.parseLong(System.getProperty("proclab.repeat.ceiling", String.valueOf(REPEAT_CEILING)));
        } catch (NumberFormatException e) {
            return REPEAT_CEILING;
        }
    }

    /**
     * Processes a repeat leaves alive: children it creates that the same iteration does not both end
     * (exit) and wait for (threads end alone; they are counted like processes, to stay on the safe side).
     */
    static long accumulates(Step.Repeat r) {
        java.util.Set<String> exited = new java.util.HashSet<>(), waited = new java.util.HashSet<>();
        for (Step s : r.steps()) {
            if (s instanceof Step.Exit e) exited.add(e.proc());
            if (s instanceof Step.Wait w) waited.add(w.target());
        }
        long perIteration = 0;
        for (Step s : r.steps()) {
            String child = s instanceof Step.Fork f ? f.child() : s instanceof Step.VFork v ? v.child()
                    : s instanceof Step.Clone c ? c.child() : null;
            if (child != null && !(exited.contains(child) && (waited.contains(child) || waited.contains("any")))) perIteration++;
            if (s instanceof Step.Repeat inner) perIteration += accumulates(inner);
        }
        return Math.min(perIteration * r.times(), Long.MAX_VALUE / 2);
    }

    public static final int MAX_PAGES = Limits.MAP_PAGES;
    public static final int MAX_TIMES = Limits.REPEAT_TIMES;
    public static final int PID_MAX_MIN = 301, PID_MAX_LIMIT = Limits.PID_MAX_LIMIT;
    static final int MAX_ERRORS = 20;

    private static final Map<String, List<List<String>>> KEYS = new LinkedHashMap<>();

    static {
        key("fork", List.of("proc", "child"), List.of());
        key("vfork", List.of("proc", "child"), List.of());
        key("clone", List.of("proc", "child", "flags"), List.of("signal"));
        key("exec", List.of("proc", "argv"), List.of());
        key("exit", List.of("proc", "code"), List.of());
        key("signal", List.of("to", "sig"), List.of("proc"));
        key("wait", List.of("proc", "for"), List.of("options"));
        key("hold", List.of("proc", "for"), List.of());
        key("block", List.of("proc"), List.of());
        key("spin", List.of("proc", "for"), List.of());
        key("set", List.of("proc", "var", "value"), List.of());
        key("add", List.of("proc", "var", "value"), List.of());
        key("map", List.of("proc", "region", "pages"), List.of());
        key("touch", List.of("proc", "region", "pages"), List.of("mode"));
        key("subreaper", List.of("proc"), List.of());
        key("ignore", List.of("proc", "sig"), List.of());
        key("setuid", List.of("proc", "uid"), List.of());
        key("rlimit", List.of("proc", "resource", "value"), List.of());
        key("ptrace", List.of("proc", "attach"), List.of());
        key("setpgid", List.of("proc"), List.of("pid", "pgid"));
        key("setsid", List.of("proc"), List.of());
        key("handle", List.of("proc", "sig"), List.of());
        key("mask", List.of("proc"), List.of("block", "unblock"));
        key("pause", List.of("for"), List.of());
        key("repeat", List.of("times", "steps"), List.of());
        key("observe", List.of(), OBSERVE_KEYS);
    }

    private static void key(String step, List<String> required, List<String> optional) {
        KEYS.put(step, List.of(required, optional));
    }

    /** The required keys of a step, then its optional ones. */
    public static List<String> keysOf(String step) {
        List<List<String>> k = KEYS.get(step);
        if (k == null) return List.of();
        List<String> all = new ArrayList<>(k.get(0));
        all.addAll(k.get(1));
        return all;
    }

    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CACHE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s)");
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\s*-\\s*(\\d+)");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

    private LabParser() {}

    /** Parses lab text; {@code file} is only the name used in messages. The id is not compared to it. */
    public static Lab parse(String text, String file) throws LabException {
        return parse(text, file, null);
    }

    /** Parses lab text whose {@code id} must equal {@code expectedId} (null: any kebab-case id). */
    public static Lab parse(String text, String file, String expectedId) throws LabException {
        return new Reader(text, file, expectedId, null).lab();
    }

    /** Why a file could not be read, in words. */
    static String why(Path path, IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "there is no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (Files.isDirectory(path)) return "it is a directory";
        String m = e.getMessage();
        return m == null || m.equals(path.toString()) ? e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase() : m;
    }

    static boolean changesUid(List<Step> steps) {
        for (Step s : steps) {
            if (s instanceof Step.SetUid) return true;
            if (s instanceof Step.Repeat r && changesUid(r.steps())) return true;
        }
        return false;
    }

    /** Reads and parses a lab file; its id must equal the file name without {@code .yaml}. */
    public static Lab parseFile(Path path) throws LabException {
        String text;
        try {
            text = Files.readString(path);
        } catch (CharacterCodingException e) {
            throw new LabException(new LabError(path.toString(), 0, 0, "the lab file is not UTF-8 text"));
        } catch (IOException e) {
            throw new LabException(new LabError(path.toString(), 0, 0, "cannot read the lab file: " + why(path, e)));
        }
        return new Reader(text, path.toString(), idOf(path.getFileName().toString()), path).lab();
    }

    /** A file name without its .yaml or .yml extension. */
    public static String idOf(String fileName) {
        if (fileName.endsWith(".yaml")) return fileName.substring(0, fileName.length() - 5);
        if (fileName.endsWith(".yml")) return fileName.substring(0, fileName.length() - 4);
        return fileName;
    }

    /** Whether {@code s} is a valid lab id (kebab-case). */
    public static boolean isId(String s) {
        return s != null && KEBAB.matcher(s).matches();
    }

    /** Aborts the current unit (a lab key or one step) with its error. */
    static final class Bail extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final LabError error;

        Bail(LabError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    /** A name bound inside repeat with one {i}: it stands for prefix0 .. prefix(times-1)suffix. */
    private record Expanded(String prefix, String suffix, long times) {
        boolean matches(String name) {
            if (!name.startsWith(prefix) || !name.endsWith(suffix)) return false;
            if (name.length() <= prefix.length() + suffix.length()) return false;
            String mid = name.substring(prefix.length(), name.length() - suffix.length());
            if (!mid.chars().allMatch(Character::isDigit) || (mid.length() > 1 && mid.charAt(0) == '0')) return false;
            return mid.length() < 10 && Long.parseLong(mid) < times;
        }
    }

    /**
     * An observe's label: what it read, so that a later {@code since} can be checked against it. A slab
     * label holds its caches, a proc label its processes and fields, a kernel label the families it
     * traces (allocs, events, stack.task_struct, ...). {@code kind} is null for a label salvaged from a
     * step that failed to parse (nothing is checked against it).
     */
    private record Label(String kind, List<String> caches, List<String> procs, List<String> fields, Set<String> families, Pos pos) {
        static Label unknown(Pos pos) {
            return new Label(null, null, null, null, null, pos);
        }
    }

    static final class Reader {
        final String text, file, expectedId;
        final Path path;
        final List<LabError> errors = new ArrayList<>();

        final Map<String, Pos> bound = new LinkedHashMap<>();
        final List<Expanded> expanded = new ArrayList<>();
        final Map<String, Pos> future = new HashMap<>();
        final Map<String, String> gone = new HashMap<>();
        final Map<String, String> vforkChild = new HashMap<>(); // pending vfork child -> "parent@pos"
        final Map<String, String> vforkParent = new HashMap<>(); // suspended parent -> child
        final Map<String, Pos> vforkPos = new HashMap<>();
        final Set<String> allVars = new LinkedHashSet<>();
        final Set<String> allRegions = new LinkedHashSet<>();
        final Map<String, Integer> regionPages = new HashMap<>();
        final Map<String, Label> labels = new LinkedHashMap<>();
        final Deque<Long> repeats = new ArrayDeque<>();
        Sandbox sandbox = Sandbox.NONE;

        Reader(String text, String file, String expectedId, Path path) {
            this.text = text;
            this.file = file;
            this.expectedId = expectedId;
            this.path = path;
            bound.put("main", Pos.NONE);
        }

        Bail bail(Pos pos, String message) {
            return new Bail(new LabError(file, pos.line(), pos.column(), message));
        }

        void report(LabError e) {
            if (errors.size() < MAX_ERRORS) errors.add(e);
        }

        <T> T attempt(Supplier<T> s, T fallback) {
            try {
                return s.get();
            } catch (Bail b) {
                report(b.error);
                return fallback;
            }
        }

        Lab lab() throws LabException {
            Node root = YamlTree.read(text, file);
            if (root == null) {
                throw new LabException(new LabError(file, 1, 1, "the lab file is empty; a lab needs id, title and steps"));
            }
            if (!(root instanceof Node.Mapping m)) {
                throw new LabException(new LabError(file, root.pos().line(), root.pos().column(),
                        "a lab is a mapping of id, title, steps, ...; got " + root.kind()));
            }
            for (Node.Entry e : m.list()) {
                if (!LAB_KEYS.contains(e.key())) {
                    report(unknownKey(e, "the lab", LAB_KEYS).error);
                }
            }
            prescan(root);
            sandbox = attempt(() -> sandbox(m.entry("sandbox")), Sandbox.NONE);
            String id = attempt(() -> id(m), null);
            String title = attempt(() -> required(m, "title", "one line saying what the lab shows") == null ? null
                    : text(m.get("title"), "title"), null);
            String source = attempt(() -> m.has("source") ? text(m.get("source"), "source") : null, null);
            List<String> concepts = attempt(() -> texts(m.entry("concepts"), "concepts"), List.of());
            List<String> questions = attempt(() -> texts(m.entry("questions"), "questions"), List.of());
            Set<Capability> requires = attempt(() -> requires(m.entry("requires")), Set.of());
            List<Step> steps = List.of();
            Node.Entry se = m.entry("steps");
            if (se == null) {
                report(new LabError(file, m.pos().line(), m.pos().column(), "the lab has no steps"));
            } else {
                steps = attempt(() -> steps(se.value(), "steps"), List.of());
            }
            if (!errors.isEmpty()) {
                List<LabError> sorted = new ArrayList<>(errors);
                sorted.sort(Comparator.comparingInt(LabError::line).thenComparingInt(LabError::column));
                throw new LabException(sorted);
            }
            // a lab that changes uid counts processes by uid (RLIMIT_NPROC): in a user namespace of its
            // own those counts are the lab's alone, whatever else runs on the machine (another run)
            if (changesUid(steps)) sandbox = sandbox.withUserNamespace(true);
            return new Lab(id, title, source, concepts, requires, sandbox, questions, steps, file, path, text);
        }

        // ---------------------------------------------------------------- prescan

        /** Collects every child name (with its first binding), variable and region the lab names anywhere. */
        void prescan(Node n) {
            if (n instanceof Node.Seq s) {
                for (Node c : s.items()) prescan(c);
            } else if (n instanceof Node.Mapping m) {
                for (Node.Entry e : m.list()) {
                    if (STEPS.contains(e.key()) && e.value() instanceof Node.Mapping k) {
                        if (k.get("child") instanceof Node.Scalar c && c.isString()) future.putIfAbsent(c.text(), c.pos());
                        if ((e.key().equals("set") || e.key().equals("add"))
                                && k.get("var") instanceof Node.Scalar v && v.isString()) allVars.add(v.text());
                        // a handle step makes the variable its handler counts in
                        if (e.key().equals("handle") && k.get("sig") instanceof Node.Scalar v && v.isString()) {
                            allVars.add(Step.Handle.var(v.text().startsWith("SIG") ? v.text() : "SIG" + v.text()));
                        }
                        if (e.key().equals("map") && k.get("region") instanceof Node.Scalar r && r.isString()) {
                            allRegions.add(r.text());
                        }
                    }
                    prescan(e.value());
                }
            }
        }

        /** After a step failed: bind what it would have bound, so later steps do not report it again. */
        void salvage(Node n) {
            if (n instanceof Node.Seq s) {
                for (Node c : s.items()) salvage(c);
            } else if (n instanceof Node.Mapping m) {
                for (Node.Entry e : m.list()) {
                    if (e.value() instanceof Node.Mapping k) {
                        if (k.get("child") instanceof Node.Scalar c && c.isString() && !isBound(c.text())) {
                            bindQuietly(c.text(), c.pos());
                        }
                        if (e.key().equals("observe") && k.get("label") instanceof Node.Scalar l && l.isString()) {
                            labels.putIfAbsent(l.text(), Label.unknown(l.pos()));
                        }
                        if (e.key().equals("map") && k.get("region") instanceof Node.Scalar r && r.isString()) {
                            regionPages.put(r.text(), -1);
                        }
                    }
                    salvage(e.value());
                }
            }
        }

        // ---------------------------------------------------------------- lab keys

        Node.Entry required(Node.Mapping m, String key, String what) {
            Node.Entry e = m.entry(key);
            if (e == null) throw bail(m.pos(), "the lab has no " + key + " (" + what + ")");
            return e;
        }

        String id(Node.Mapping m) {
            Node.Entry e = required(m, "id", "a kebab-case name equal to the file name");
            String id = string(e.value(), "id");
            if (!KEBAB.matcher(id).matches()) {
                throw bail(e.value().pos(), "id " + id
                        + " is not kebab-case (lower-case letters and digits, words joined by '-': fork-exec)");
            }
            if (expectedId != null && !id.equals(expectedId)) {
                throw bail(e.value().pos(), "id " + id + " differs from the file name " + expectedId
                        + ".yaml; they must be equal");
            }
            return id;
        }

        List<String> texts(Node.Entry e, String what) {
            if (e == null || isNull(e.value())) return List.of();
            List<String> out = new ArrayList<>();
            for (Node n : list(e.value(), what)) out.add(text(n, "each of " + what));
            return List.copyOf(out);
        }

        Set<Capability> requires(Node.Entry e) {
            if (e == null || isNull(e.value())) return Set.of();
            List<String> ids = new ArrayList<>();
            for (Capability c : Capability.values()) ids.add(c.id());
            EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
            for (Node n : list(e.value(), "requires")) {
                String s = string(n, "a capability");
                Capability c = Capability.byId(s);
                if (c == null) {
                    throw bail(n.pos(), "unknown capability " + s
                            + or(Suggest.didYouMean(s, ids), "; capabilities are " + String.join(", ", ids)));
                }
                if (!out.add(c)) throw bail(n.pos(), "capability " + s + " is listed twice");
            }
            return Collections.unmodifiableSet(out);
        }

        Sandbox sandbox(Node.Entry e) {
            if (e == null || isNull(e.value())) return Sandbox.NONE;
            Node.Mapping m = mapping(e.value(), "sandbox");
            for (Node.Entry k : m.list()) {
                if (!SANDBOX_KEYS.contains(k.key())) throw unknownKey(k, "sandbox", SANDBOX_KEYS);
            }
            boolean ns = m.has("pid_namespace") && bool(m.get("pid_namespace"), "pid_namespace");
            boolean userns = m.has("user_namespace") && bool(m.get("user_namespace"), "user_namespace");
            Integer pidMax = null, pidsMax = null;
            if (m.has("pid_max") && !isNull(m.get("pid_max"))) {
                Node n = m.get("pid_max");
                long v = integer(n, "pid_max");
                if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) {
                    throw bail(n.pos(), "pid_max must be between " + PID_MAX_MIN + " and " + PID_MAX_LIMIT
                            + " (the kernel's limits); got " + v);
                }
                if (!ns) {
                    throw bail(m.entry("pid_max").keyPos(), "pid_max needs pid_namespace: true"
                            + " (it is the lab namespace's own pid_max; the host's is never written)");
                }
                pidMax = (int) v;
            }
            if (m.has("pids_max") && !isNull(m.get("pids_max"))) {
                Node n = m.get("pids_max");
                long v = integer(n, "pids_max");
                if (v < 1 || v > PID_MAX_LIMIT) throw bail(n.pos(), "pids_max must be between 1 and " + PID_MAX_LIMIT + "; got " + v);
                pidsMax = (int) v;
            }
            return new Sandbox(ns, pidMax, pidsMax, userns);
        }

        // ---------------------------------------------------------------- steps

        List<Step> steps(Node n, String what) {
            List<Node> items = list(n, what);
            if (items.isEmpty()) throw bail(n.pos(), what + " is empty; give at least one step");
            List<Step> out = new ArrayList<>();
            for (Node item : items) {
                if (errors.size() >= MAX_ERRORS) break;
                try {
                    out.add(step(item));
                } catch (Bail b) {
                    report(b.error);
                    salvage(item);
                }
            }
            return List.copyOf(out);
        }

        Step step(Node item) {
            if (item instanceof Node.Scalar s && s.isString() && STEPS.contains(s.text())) {
                throw bail(s.pos(), s.text() + " needs its keys: " + s.text() + ": {" + String.join(", ", keysOf(s.text())) + "}");
            }
            if (!(item instanceof Node.Mapping m)) {
                throw bail(item.pos(), "a step is a mapping with one action key, like fork: {proc: main, child: kid}; got "
                        + item.kind());
            }
            if (m.entries().isEmpty()) {
                throw bail(m.pos(), "empty step; a step has one action key: " + String.join(", ", STEPS));
            }
            List<Node.Entry> entries = m.list();
            List<Node.Entry> actions = new ArrayList<>();
            for (Node.Entry e : entries) if (STEPS.contains(e.key())) actions.add(e);
            if (actions.isEmpty()) {
                Node.Entry e = entries.get(0);
                throw bail(e.keyPos(), "unknown step " + e.key()
                        + or(Suggest.didYouMean(e.key(), STEPS), "; steps are " + String.join(", ", STEPS)));
            }
            if (actions.size() > 1) {
                throw bail(actions.get(1).keyPos(), "a step has exactly one action key, but this one has "
                        + actions.get(0).key() + " and " + actions.get(1).key() + " (start each step with -)");
            }
            Node.Entry action = actions.get(0);
            for (Node.Entry e : entries) {
                if (e == action) continue;
                if (keysOf(action.key()).contains(e.key())) {
                    throw bail(e.keyPos(), e.key() + " belongs inside " + action.key() + ": indent it under "
                            + action.key() + ", or write " + action.key() + ": {" + String.join(", ", keysOf(action.key())) + "}");
                }
                throw bail(e.keyPos(), "unknown step " + e.key()
                        + or(Suggest.didYouMean(e.key(), STEPS), "; a step has exactly one action key"));
            }
            return action(action.key(), action.keyPos(), action.value());
        }

        Step action(String name, Pos pos, Node body) {
            if (name.equals("observe") && !repeats.isEmpty()) {
                throw bail(pos, "observe is not allowed inside repeat (a repeat runs inside the agent);"
                        + " observe after the repeat");
            }
            if (isNull(body)) {
                throw bail(pos, name + " needs {" + String.join(", ", keysOf(name)) + "}");
            }
            if (!(body instanceof Node.Mapping m)) {
                throw bail(body.pos(), name + " takes a mapping {" + String.join(", ", keysOf(name)) + "}; got "
                        + body.kind());
            }
            List<List<String>> keys = KEYS.get(name);
            checkKeys(m, name, keys.get(0), keys.get(1), pos);
            switch (name) {
                case "fork": {
                    String proc = actor(m, name);
                    String child = bind(m.get("child"), pos);
                    return new Step.Fork(proc, child, pos);
                }
                case "vfork": {
                    String proc = actor(m, name);
                    String child = bind(m.get("child"), pos);
                    suspend(proc, child, pos);
                    return new Step.VFork(proc, child, pos);
                }
                case "clone": {
                    String proc = actor(m, name);
                    List<String> flags = cloneFlags(m.get("flags"));
                    String sig = m.has("signal") && !isNull(m.get("signal")) ? exitSignal(m.get("signal")) : null;
                    String child = bind(m.get("child"), pos);
                    if (flags.contains("CLONE_VFORK")) suspend(proc, child, pos);
                    return new Step.Clone(proc, child, flags, sig, pos);
                }
                case "exec": {
                    String proc = actor(m, name);
                    List<Node> argvNodes = list(m.get("argv"), "argv");
                    if (argvNodes.isEmpty()) throw bail(m.get("argv").pos(), "argv is empty; give at least the program: [ls, -al]");
                    List<String> argv = new ArrayList<>();
                    for (Node a : argvNodes) argv.add(text(a, "each word of argv"));
                    int bytes = 0;
                    for (String a : argv) bytes += a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
                    if (argv.size() > Limits.ARGV_WORDS || bytes > Limits.ARGV_BYTES) {
                        throw bail(m.get("argv").pos(), "argv holds " + argv.size() + " words, " + bytes + " bytes; at most "
                                + Limits.ARGV_WORDS + " words and " + Limits.ARGV_BYTES + " bytes");
                    }
                    for (Node a : argvNodes) {
                        if (text(a, "each word of argv").indexOf('\0') >= 0) throw bail(a.pos(), "a word of argv cannot hold a NUL byte");
                    }
                    // an exec may fail (ENOENT, EACCES, ENOEXEC) and the process go on: whether it ran is
                    // the kernel's to say, so later steps are the run's to refuse (DryRun), not the parser's
                    release(proc);
                    return new Step.Exec(proc, List.copyOf(argv), pos);
                }
                case "exit": {
                    String proc = actor(m, name);
                    Node c = m.get("code");
                    long code = integer(c, "code");
                    if (code < Integer.MIN_VALUE || code > Integer.MAX_VALUE) {
                        throw bail(c.pos(), "exit code " + code + " is not an int (_exit takes an int; the parent sees its low 8 bits)");
                    }
                    finish(proc, "has exited", pos);
                    return new Step.Exit(proc, (int) code, pos);
                }
                case "signal": {
                    String proc = m.has("proc") && !isNull(m.get("proc")) ? actor(m, name) : null;
                    String to = use(m.get("to"));
                    String sig = killSignal(m.get("sig"));
                    // a signal may end a vfork child, and mm_release lets its parent go: whether it did
                    // is the kernel's to say, so the parent's later steps are the run's to refuse
                    String suspended = vforkChild.get(to);
                    if (suspended != null) vforkParent.remove(suspended);
                    return new Step.Signal(proc, to, sig, pos);
                }
                case "wait": {
                    String proc = actor(m, name);
                    Node f = m.get("for");
                    String target = f instanceof Node.Scalar s && "any".equals(s.value()) ? "any" : use(f);
                    List<String> options = List.of();
                    if (m.has("options") && !isNull(m.get("options"))) options = names(m.get("options"), "options", "wait option", WAIT_OPTIONS);
                    return new Step.Wait(proc, target, options, pos);
                }
                case "hold":
                    return new Step.Hold(actor(m, name), duration(m.get("for")), pos);
                case "spin":
                    return new Step.Spin(actor(m, name), duration(m.get("for")), pos);
                case "block":
                    return new Step.Block(actor(m, name), pos);
                case "set":
                case "add": {
                    String proc = actor(m, name);
                    String var = ident(m.get("var"), "var");
                    long value = integer(m.get("value"), "value");
                    return name.equals("set") ? new Step.SetVar(proc, var, value, pos) : new Step.AddVar(proc, var, value, pos);
                }
                case "map": {
                    String proc = actor(m, name);
                    String region = ident(m.get("region"), "region");
                    Node p = m.get("pages");
                    long pages = integer(p, "pages");
                    if (pages < 1) throw bail(p.pos(), "pages must be at least 1; got " + pages);
                    if (pages > MAX_PAGES) throw bail(p.pos(), "pages must be at most " + MAX_PAGES + " (4 GiB); got " + pages);
                    Integer old = regionPages.get(region);
                    regionPages.put(region, old == null || old == pages ? (int) pages : -1);
                    return new Step.MapRegion(proc, region, (int) pages, pos);
                }
                case "touch": {
                    String proc = actor(m, name);
                    Node r = m.get("region");
                    String region = ident(r, "region");
                    if (!regionPages.containsKey(region)) {
                        throw bail(r.pos(), "unknown region " + region + or(Suggest.didYouMean(region, regionPages.keySet()),
                                "; a region is created by an earlier map step"));
                    }
                    PageRange range = pages(m.get("pages"), regionPages.get(region), region);
                    boolean write = true;
                    if (m.has("mode") && !isNull(m.get("mode"))) {
                        String mode = string(m.get("mode"), "mode");
                        if (!mode.equals("read") && !mode.equals("write")) {
                            throw bail(m.get("mode").pos(), "mode must be read or write; got " + mode
                                    + Suggest.didYouMean(mode, List.of("read", "write")));
                        }
                        write = mode.equals("write");
                    }
                    return new Step.Touch(proc, region, range, write, pos);
                }
                case "subreaper":
                    return new Step.Subreaper(actor(m, name), pos);
                case "ignore":
                    return new Step.Ignore(actor(m, name), signal(m.get("sig")), pos);
                case "setuid": {
                    String proc = actor(m, name);
                    Node u = m.get("uid");
                    long uid = integer(u, "uid");
                    if (uid < 0 || uid > Integer.MAX_VALUE) throw bail(u.pos(), "uid must be 0 or more; got " + uid);
                    return new Step.SetUid(proc, (int) uid, pos);
                }
                case "rlimit": {
                    String proc = actor(m, name);
                    Node r = m.get("resource");
                    String res = string(r, "resource");
                    String bare = res.startsWith("RLIMIT_") ? res.substring(7) : res;
                    if (!RLIMITS.contains(bare)) {
                        throw bail(r.pos(), "unknown resource " + res
                                + or(Suggest.didYouMean(bare, RLIMITS), "; resources are " + String.join(", ", RLIMITS)));
                    }
                    Node v = m.get("value");
                    long value;
                    if (v instanceof Node.Scalar s && ("unlimited".equals(s.value()) || "infinity".equals(s.value()))) {
                        value = -1;
                    } else {
                        value = integer(v, "value");
                        if (value < 0) throw bail(v.pos(), "value must be 0 or more, or unlimited; got " + value);
                    }
                    return new Step.Rlimit(proc, bare, value, pos);
                }
                case "ptrace": {
                    String proc = actor(m, name);
                    Node a = m.get("attach");
                    String target = use(a);
                    if (target.equals(proc)) throw bail(a.pos(), "a process cannot trace itself");
                    return new Step.Ptrace(proc, target, pos);
                }
                case "setpgid": {
                    String proc = actor(m, name);
                    String target = m.has("pid") && !isNull(m.get("pid")) ? processOrZero(m.get("pid"), "pid", false) : null;
                    String pgid = m.has("pgid") && !isNull(m.get("pgid")) ? processOrZero(m.get("pgid"), "pgid", true) : null;
                    return new Step.SetPgid(proc, target, pgid, pos);
                }
                case "setsid":
                    return new Step.SetSid(actor(m, name), pos);
                case "handle":
                    return new Step.Handle(actor(m, name), signal(m.get("sig")), pos);
                case "mask": {
                    String proc = actor(m, name);
                    List<String> block = m.has("block") && !isNull(m.get("block")) ? signalList(m.get("block"), "block") : List.of();
                    List<String> unblock = m.has("unblock") && !isNull(m.get("unblock")) ? signalList(m.get("unblock"), "unblock") : List.of();
                    if (!m.has("block") && !m.has("unblock")) {
                        throw bail(pos, "mask needs block or unblock (or both): mask: {proc: " + proc + ", block: [SIGUSR1], unblock: [SIGTERM]}");
                    }
                    if (!unblock.isEmpty()) {
                        for (Node n : list(m.get("unblock"), "unblock")) {
                            String sig = signal(n);
                            if (block.contains(sig)) throw bail(n.pos(), sig + " is both blocked and unblocked; name it in one of them");
                        }
                    }
                    return new Step.Mask(proc, block, unblock, pos);
                }
                case "pause":
                    return new Step.Pause(duration(m.get("for")), pos);
                case "repeat":
                    return repeat(m, pos);
                case "observe":
                    return observe(m, pos);
                default:
                    throw bail(pos, "unknown step " + name);
            }
        }

        void checkKeys(Node.Mapping m, String step, List<String> required, List<String> optional, Pos pos) {
            List<String> all = new ArrayList<>(required);
            all.addAll(optional);
            for (Node.Entry e : m.list()) {
                if (!all.contains(e.key())) throw unknownKey(e, step, all);
            }
            List<String> missing = new ArrayList<>();
            for (String k : required) if (!m.has(k) || isNull(m.get(k))) missing.add(k);
            if (!missing.isEmpty()) {
                throw bail(pos, step + " needs " + String.join(" and ", missing) + " (" + step + ": {"
                        + String.join(", ", all) + "})");
            }
        }

        Bail unknownKey(Node.Entry e, String where, List<String> known) {
            return bail(e.keyPos(), "unknown key " + e.key() + " in " + where
                    + or(Suggest.didYouMean(e.key(), known), "; " + where + " takes " + String.join(", ", known)));
        }

        Step.Repeat repeat(Node.Mapping m, Pos pos) {
            Node t = m.get("times");
            long times = integer(t, "times");
            if (times < 1) throw bail(t.pos(), "times must be at least 1; got " + times);
            if (times > MAX_TIMES) throw bail(t.pos(), "times must be at most " + MAX_TIMES + "; got " + times);
            if (repeats.size() >= Limits.REPEAT_DEPTH) {
                throw bail(pos, "repeats nest at most " + Limits.REPEAT_DEPTH + " deep; this one is " + (repeats.size() + 1) + " deep");
            }
            repeats.push(times);
            try {
                long iterations = product();
                if (iterations > repeatCeiling() && !sandbox.isolated()) {
                    throw bail(t.pos(), "this repeat runs " + iterations + " times, more than the ceiling of " + repeatCeiling()
                            + " outside a sandbox (sandbox: {pid_namespace: true} or pids_max; -Dproclab.repeat.ceiling to change it)");
                }
                Step.Repeat r = new Step.Repeat((int) times, steps(m.get("steps"), "steps"), pos);
                long alive = repeats.size() == 1 ? accumulates(r) : 0;
                if (alive > SANDBOX_THRESHOLD && !sandbox.isolated()) {
                    throw bail(pos, "this repeat leaves " + alive + " processes alive; a lab that can exhaust pids needs a sandbox"
                            + " (sandbox: {pid_namespace: true} or pids_max)");
                }
                return r;
            } finally {
                repeats.pop();
            }
        }

        long product() {
            long p = 1;
            for (long t : repeats) p = Math.min(p * t, Long.MAX_VALUE / MAX_TIMES);
            return p;
        }

        // ---------------------------------------------------------------- names

        boolean isBound(String name) {
            if (bound.containsKey(name)) return true;
            for (Expanded x : expanded) if (x.matches(name)) return true;
            return false;
        }

        String procName(Node n) {
            if (n instanceof Node.Scalar s && s.value() instanceof Boolean) {
                throw bail(n.pos(), "expected a process name; YAML reads " + s.text() + " as a boolean (quote it: \"" + s.text() + "\")");
            }
            String name = string(n, "a process name");
            String plain = name.replace("{i}", "0");
            if (plain.contains("{") || plain.contains("}")) {
                throw bail(n.pos(), "only {i} may appear in braces in a process name; got " + name);
            }
            if (!NAME.matcher(plain).matches()) {
                throw bail(n.pos(), "process name " + name
                        + " must start with a letter and hold only letters, digits, '_' and '-'");
            }
            if (name.contains("{i}") && repeats.isEmpty()) {
                throw bail(n.pos(), "{i} is only expanded inside repeat; " + name + " is outside any repeat");
            }
            // {i} becomes at most the innermost repeat's last iteration
            String longest = repeats.isEmpty() ? name : name.replace("{i}", String.valueOf(repeats.peek() - 1));
            if (longest.length() > Limits.NAME_BYTES) {
                throw bail(n.pos(), "process name " + name + " is " + longest.length() + " characters long"
                        + (longest.equals(name) ? "" : " as " + longest) + "; at most " + Limits.NAME_BYTES);
            }
            return name;
        }

        /** A process the step names (target or subject): it must exist by now. */
        String use(Node n) {
            String name = procName(n);
            if (isBound(name)) return name;
            if (name.equals("agent")) {
                throw bail(n.pos(), "agent, the process that runs the lab (main's parent), takes no step and is no step's target;"
                        + " it can only be observed: observe: {proc: agent, fields: [children]}");
            }
            Pos later = future.get(name);
            if (later != null && !"any".equals(name)) {
                throw bail(n.pos(), name + " is used before it is created (at " + later + ")");
            }
            List<String> known = new ArrayList<>(bound.keySet());
            throw bail(n.pos(), "unknown process " + name
                    + or(Suggest.didYouMean(name, known), "; a process is main or the child of an earlier fork, vfork or clone"));
        }

        /** The process that performs the step (its proc key): it must exist and still be able to act. */
        String actor(Node.Mapping m, String step) {
            Node n = m.get("proc");
            String name = use(n);
            String why = gone.get(name);
            if (why != null) {
                throw bail(n.pos(), name + " " + why + "; it can only be observed, signalled and waited for");
            }
            String parent = vforkChild.get(name);
            if (parent != null && !step.equals("exit") && !step.equals("exec")) {
                throw bail(n.pos(), name + " was created by vfork (at " + vforkPos.get(name)
                        + ") and shares its parent's memory: its next step must be exit or exec");
            }
            String child = vforkParent.get(name);
            if (child != null) {
                throw bail(n.pos(), name + " is suspended in vfork (at " + vforkPos.get(child) + ") until " + child
                        + " exits or execs");
            }
            return name;
        }

        /** The child a fork, vfork or clone creates. */
        String bind(Node n, Pos stepPos) {
            String name = procName(n);
            if (name.equals("main")) throw bail(n.pos(), "main is the lab's first process; it cannot be created again");
            if (name.equals("any") || name.equals("agent")) {
                throw bail(n.pos(), name + " is a reserved name (" + (name.equals("any") ? "wait for: any" : "the lab's agent")
                        + "); choose another");
            }
            Pos first = bound.get(name);
            if (first != null || isBound(name)) {
                throw bail(n.pos(), "duplicate process name " + name + (first != null ? " (first created at " + first + ")" : "")
                        + "; give each process its own name");
            }
            long times = product();
            if (!name.contains("{i}") && times > 1) {
                throw bail(n.pos(), name + " would be created " + times + " times by repeat; put {i} in the name: "
                        + name + "{i}");
            }
            if (name.contains("{i}") && times / repeats.peek() > 1) {
                throw bail(n.pos(), name + " would be created again on each iteration of the outer repeat;"
                        + " {i} is only the innermost iteration");
            }
            bindQuietly(name, n.pos());
            return name;
        }

        void bindQuietly(String name, Pos pos) {
            bound.put(name, pos);
            int at = name.indexOf("{i}");
            if (at >= 0 && name.indexOf("{i}", at + 1) < 0 && !repeats.isEmpty()) {
                expanded.add(new Expanded(name.substring(0, at), name.substring(at + 3), repeats.peek()));
            }
        }

        void suspend(String parent, String child, Pos pos) {
            vforkChild.put(child, parent);
            vforkParent.put(parent, child);
            vforkPos.put(child, pos);
        }

        /** proc exits: it acts no more, and a vfork parent waiting for it goes on. */
        void finish(String proc, String why, Pos pos) {
            gone.put(proc, why + " (at " + pos + ")");
            release(proc);
        }

        /** proc exits or execs: a vfork parent waiting for it goes on (the run checks an exec that failed). */
        void release(String proc) {
            String parent = vforkChild.remove(proc);
            if (parent != null) vforkParent.remove(parent);
        }

        // ---------------------------------------------------------------- values

        /**
         * setpgid's pid or pgid: a process name (its pid as proc sees it), or 0 (null): proc itself for pid,
         * the pid of the process that moves for pgid. pgid may name the agent, whose process group the lab's
         * processes start in.
         */
        String processOrZero(Node n, String key, boolean agentOk) {
            if (n instanceof Node.Scalar s && s.value() instanceof Long l) {
                if (l == 0) return null;
                throw bail(n.pos(), key + " is a process name, or 0 for " + (key.equals("pid") ? "proc itself" : "the pid of the process that"
                        + " moves (a group of its own)") + "; pids are never written as numbers; got " + l);
            }
            if (agentOk && n instanceof Node.Scalar s && "agent".equals(s.value())) return "agent";
            return use(n);
        }

        List<String> cloneFlags(Node n) {
            List<String> out = new ArrayList<>();
            for (Node f : list(n, "flags")) {
                String s = string(f, "a clone flag");
                if (CloneFlags.bit(s) == null) {
                    String hint = CloneFlags.bit("CLONE_" + s) != null ? "; did you mean CLONE_" + s + "?"
                            : or(Suggest.didYouMean(s, CloneFlags.allNames()), "; flags are CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_THREAD, ...");
                    throw bail(f.pos(), "unknown clone flag " + s + hint);
                }
                if (out.contains(s)) throw bail(f.pos(), s + " is listed twice");
                out.add(s);
            }
            return List.copyOf(out);
        }

        /** A list of names from a fixed set (wait options). */
        List<String> names(Node n, String what, String one, List<String> known) {
            List<String> out = new ArrayList<>();
            for (Node f : list(n, what)) {
                String s = string(f, "a " + one);
                if (!known.contains(s)) {
                    // __WALL, __WCLONE, __WNOTHREAD keep the kernel's leading underscores
                    String hint = known.contains("__" + s) ? "; did you mean __" + s + "?" : Suggest.didYouMean(s, known);
                    throw bail(f.pos(), "unknown " + one + " " + s
                            + or(hint, "; " + what + " are " + String.join(", ", known)));
                }
                if (out.contains(s)) throw bail(f.pos(), s + " is listed twice");
                out.add(s);
            }
            return List.copyOf(out);
        }

        /** kill's signal: a name, or 0 (kill(pid, 0): nothing is sent, only the checks are made). */
        String killSignal(Node n) {
            if (n instanceof Node.Scalar s && s.value() instanceof Long l && l == 0) return "0";
            return signal(n, "; or 0 to send nothing and only check that to exists and may be signalled");
        }

        /** clone's exit signal: a name, or none (or 0): the child's end sends its parent no signal. */
        String exitSignal(Node n) {
            if (n instanceof Node.Scalar s && (s.value() instanceof Long l && l == 0 || "none".equals(s.value()))) return "none";
            return signal(n, "; or none: the parent is sent no signal when the child ends");
        }

        /** A list of signals by name, each once (mask's block and unblock). */
        List<String> signalList(Node n, String what) {
            List<String> out = new ArrayList<>();
            for (Node f : list(n, what)) {
                String sig = signal(f);
                if (out.contains(sig)) throw bail(f.pos(), sig + " is listed twice");
                out.add(sig);
            }
            return List.copyOf(out);
        }

        /** A signal by name: SIGKILL, or KILL (normalised to SIGKILL). */
        String signal(Node n) {
            return signal(n, "");
        }

        String signal(Node n, String orElse) {
            if (n instanceof Node.Scalar s && s.value() instanceof Long l) {
                String known = Signals.name(l.intValue());
                throw bail(n.pos(), "write signals by name" + (known.startsWith("SIG") ? " (" + l + " is " + known + ")" : " (SIGKILL, SIGCHLD, ...)")
                        + orElse + "; got " + l);
            }
            String s = string(n, "a signal");
            String full = s.startsWith("SIG") ? s : "SIG" + s;
            if (SIGNALS.contains(full)) return full;
            throw bail(n.pos(), "unknown signal " + s
                    + or(Suggest.didYouMean(full, SIGNALS), "; signals are written like SIGKILL, SIGCHLD, SIGSTOP" + orElse));
        }

        Duration duration(Node n) {
            if (n instanceof Node.Scalar s) {
                if (s.value() instanceof Long l) {
                    if (l < 0) throw bail(n.pos(), "a duration cannot be negative; got " + l);
                    if (l > Long.MAX_VALUE / 1000) throw bail(n.pos(), "duration too long: " + l);
                    return Duration.ofMillis(l);
                }
                String t = s.text().trim();
                double amount = Double.NaN;
                long unit = 1000;
                if (s.value() instanceof Double d) {
                    amount = d;
                } else if (s.value() instanceof String) {
                    Matcher m = DURATION.matcher(t);
                    if (m.matches()) {
                        amount = Double.parseDouble(m.group(1));
                        unit = switch (m.group(2)) {
                            case "us" -> 1;
                            case "ms" -> 1000;
                            default -> 1_000_000;
                        };
                    }
                }
                if (!Double.isNaN(amount)) {
                    if (amount < 0) throw bail(n.pos(), "a duration cannot be negative; got " + t);
                    double micros = amount * unit;
                    if (micros != Math.rint(micros)) throw bail(n.pos(), "a duration is a whole number of microseconds; got " + t);
                    if (micros > 86_400_000_000.0) throw bail(n.pos(), "a duration is at most a day; got " + t);
                    return new Duration((long) micros);
                }
            }
            throw bail(n.pos(), "expected a duration like 200ms, 2s or 500us (a bare number is ms); got " + n.kind());
        }

        PageRange pages(Node n, Integer regionSize, String region) {
            PageRange r;
            if (n instanceof Node.Scalar s && s.value() instanceof Long l) {
                if (l < 1) throw bail(n.pos(), "pages must be at least 1 (or all, or A-B); got " + l);
                if (l > MAX_PAGES) throw bail(n.pos(), "pages must be at most " + MAX_PAGES + "; got " + l);
                r = PageRange.firstN(l.intValue());
            } else if (n instanceof Node.Scalar s && "all".equals(s.value())) {
                return PageRange.ALL;
            } else if (n instanceof Node.Scalar s && s.value() instanceof String str && RANGE.matcher(str.trim()).matches()) {
                Matcher m = RANGE.matcher(str.trim());
                m.matches();
                long a = m.group(1).length() > 9 ? Long.MAX_VALUE : Long.parseLong(m.group(1));
                long b = m.group(2).length() > 9 ? Long.MAX_VALUE : Long.parseLong(m.group(2));
                if (a > b) throw bail(n.pos(), "page range " + str + " runs backwards; write A-B with A <= B");
                if (b >= MAX_PAGES) throw bail(n.pos(), "page " + b + " is past the largest region (" + MAX_PAGES + " pages)");
                r = PageRange.of((int) a, (int) b);
            } else {
                throw bail(n.pos(), "pages must be all, a count N (pages 0..N-1) or a range A-B; got " + n.kind());
            }
            if (regionSize != null && regionSize > 0 && r.last() >= regionSize) {
                throw bail(n.pos(), "pages " + r + " reach past region " + region + " (" + regionSize + " pages: 0-"
                        + (regionSize - 1) + ")");
            }
            return r;
        }

        // ---------------------------------------------------------------- observe

        Step.Observe observe(Node.Mapping m, Pos pos) {
            // with kernel, proc is not a second subject: it narrows the kernel's counts to those processes
            boolean kernelSubject = m.has("kernel");
            List<Node.Entry> subjects = new ArrayList<>();
            for (Node.Entry e : m.list()) {
                if (List.of("pid", "slab", "system", "kernel").contains(e.key()) || (e.key().equals("proc") && !kernelSubject)) {
                    subjects.add(e);
                }
            }
            if (subjects.isEmpty()) throw bail(pos, "observe needs a subject: proc, pid, slab, system or kernel");
            if (subjects.size() > 1) {
                throw bail(subjects.get(1).keyPos(), "observe takes one subject, but this one has " + subjects.get(0).key()
                        + " and " + subjects.get(1).key() + " (use two observe steps)");
            }
            Node.Entry subject = subjects.get(0);
            String kind = subject.key();
            List<String> procs = List.of(), fields = List.of(), slab = List.of(), system = List.of(), kernel = List.of();
            Long hostPid = null;
            Node sv = subject.value();
            switch (kind) {
                case "proc": {
                    procs = procList(sv, true);
                    break;
                }
                case "pid": {
                    long pid = integer(sv, "pid");
                    if (pid < 1) throw bail(sv.pos(), "pid must be a host pid, 1 or more; got " + pid);
                    hostPid = pid;
                    break;
                }
                case "slab": {
                    List<String> out = new ArrayList<>();
                    List<Node> items = list(sv, "slab");
                    if (items.isEmpty()) throw bail(sv.pos(), "slab is empty; name at least one cache: [task_struct]");
                    for (Node c : items) {
                        String cache = string(c, "a slab cache name");
                        if (!CACHE.matcher(cache).matches()) throw bail(c.pos(), "not a slab cache name: " + cache);
                        if (out.contains(cache)) throw bail(c.pos(), cache + " is listed twice");
                        out.add(cache);
                    }
                    slab = List.copyOf(out);
                    break;
                }
                case "kernel": {
                    kernel = KernelFields.list(this, sv);
                    Node.Entry pe = m.entry("proc");
                    if (pe != null && !isNull(pe.value())) procs = procList(pe.value(), false);
                    break;
                }
                default: {
                    List<Node> items = list(sv, "system");
                    if (items.isEmpty()) throw bail(sv.pos(), "system is empty; name at least one of " + String.join(", ", Fields.SYSTEM)
                            + ", sizeof.STRUCT, offsetof.STRUCT.MEMBER");
                    system = distinct(items, this::systemField);
                }
            }
            Node.Entry fe = m.entry("fields");
            if (kind.equals("proc") || kind.equals("pid")) {
                if (fe == null || isNull(fe.value())) {
                    throw bail(pos, "observe of " + kind + " needs fields, e.g. fields: [state, ppid]");
                }
                fields = fields(fe.value());
                if (procs.contains("agent")) agentFields(fe.value(), fields);
            } else if (fe != null && kind.equals("slab")) {
                // an extension of the format: a slab observe may name the slab fields it records
                fields = names(fe.value(), "slab fields", "slab field", Fields.SLAB);
            } else if (fe != null && kind.equals("kernel")) {
                throw bail(fe.keyPos(), "a kernel observe lists its fields in kernel: [allocs, events, ...], not in fields");
            } else if (fe != null) {
                throw bail(fe.keyPos(), "fields is for proc, pid and slab; a system observe reads the fields listed in system");
            }
            String label = null;
            Node.Entry le = m.entry("label");
            if (le != null) {
                label = ident(le.value(), "label");
                Label old = labels.get(label);
                if (old != null) throw bail(le.value().pos(), "label " + label + " is already defined (at " + old.pos() + ")");
            }
            String since = null, sinceProc = null;
            Node.Entry si = m.entry("since");
            if (si != null) {
                if (kind.equals("proc")) {
                    String[] ls = procSince(si.value(), procs, fe.value());
                    since = ls[0];
                    sinceProc = ls[1];
                } else if (kind.equals("slab") || kind.equals("system") || kind.equals("kernel")) {
                    since = ident(si.value(), "since");
                    Label l = sinceLabel(si.value(), since, kind);
                    if (l.caches() != null) {
                        for (String c : slab) {
                            if (!l.caches().contains(c)) {
                                throw bail(si.value().pos(), "label " + since + " (at " + l.pos() + ") did not read slab cache " + c);
                            }
                        }
                    }
                    if (l.families() != null) {
                        for (String f : kernel) {
                            String fam = Fields.kernelFamily(f);
                            if (!l.families().contains(fam)) {
                                throw bail(si.value().pos(), "label " + since + " (at " + l.pos() + ") does not trace " + fam
                                        + " (needed for " + f + "): add " + fam + " to its kernel list");
                            }
                        }
                    }
                } else {
                    throw bail(si.keyPos(), "since is for slab, system, kernel and proc observations (it turns them into deltas)");
                }
            }
            if (kind.equals("kernel") && label == null && since == null) {
                throw bail(subject.keyPos(), "a kernel observe counts from a label: give it label: NAME to start counting,"
                        + " or since: NAME to read what happened since one");
            }
            if (kind.equals("kernel") && since == null) {
                for (String k : List.of("expect", "tolerance", "explain")) {
                    Node.Entry e = m.entry(k);
                    if (e != null && !isNull(e.value())) {
                        throw bail(e.keyPos(), "a kernel observe with only a label starts counting and records nothing;"
                                + " " + k + " belongs to a later observe with since: " + label);
                    }
                }
            }
            List<String> observed = new ArrayList<>();
            switch (kind) {
                case "slab":
                    for (String c : slab) for (String f : fields.isEmpty() ? Fields.SLAB : fields) observed.add(c + "." + f);
                    break;
                case "system":
                    observed.addAll(system);
                    break;
                case "kernel":
                    observed.addAll(kernel);
                    break;
                default:
                    observed.addAll(fields);
            }
            Map<String, Object> expect = new LinkedHashMap<>();
            Node.Entry ee = m.entry("expect");
            if (ee != null && !isNull(ee.value())) {
                for (Node.Entry e : mapping(ee.value(), "expect").list()) {
                    checkObserved(e, "expect", kind, observed);
                    Object v = kind.equals("kernel") ? KernelFields.expected(this, e.key(), e.value()) : expected(e.key(), e.value());
                    expect.put(e.key(), Values.normalize(v));
                }
            }
            Map<String, Tolerance> tolerance = new LinkedHashMap<>();
            Node.Entry te = m.entry("tolerance");
            if (te != null && !isNull(te.value())) {
                for (Node.Entry e : mapping(te.value(), "tolerance").list()) {
                    checkObserved(e, "tolerance", kind, observed);
                    tolerance.put(e.key(), tolerance(e.value()));
                }
            }
            Map<String, String> explain = new LinkedHashMap<>();
            Node.Entry xe = m.entry("explain");
            if (xe != null && !isNull(xe.value())) {
                for (Node.Entry e : mapping(xe.value(), "explain").list()) {
                    checkObserved(e, "explain", kind, observed);
                    explain.put(e.key(), text(e.value(), "an explanation"));
                }
            }
            if (label != null) {
                Set<String> families = null;
                if (kind.equals("kernel")) {
                    families = new LinkedHashSet<>();
                    for (String f : kernel) families.add(Fields.kernelFamily(f));
                }
                labels.put(label, new Label(kind, kind.equals("slab") ? slab : null, procs, fields, families, le.value().pos()));
            }
            return new Step.Observe(procs, hostPid, fields, slab, system, kernel, label, since, sinceProc,
                    Collections.unmodifiableMap(expect), Collections.unmodifiableMap(tolerance),
                    Collections.unmodifiableMap(explain), pos);
        }

        /** The processes an observe names; {@code agent} (main's parent, outside the lab) only where it may be observed. */
        List<String> procList(Node sv, boolean agentOk) {
            List<Node> items = sv instanceof Node.Seq s ? s.items() : List.of(sv);
            if (items.isEmpty()) throw bail(sv.pos(), "proc is empty; name at least one process");
            return distinct(items, n -> {
                if (n instanceof Node.Scalar s && "agent".equals(s.value())) {
                    if (agentOk) return "agent";
                    throw bail(n.pos(), "the kernel subject counts the lab's processes; the agent is not one of them");
                }
                return use(n);
            });
        }

        /** An observe of the agent names only fields both kernels know of it (Fields.AGENT). */
        void agentFields(Node fieldsNode, List<String> fields) {
            List<Node> items = list(fieldsNode, "fields");
            for (int i = 0; i < fields.size(); i++) {
                String f = fields.get(i);
                if (Fields.AGENT.contains(f)) continue;
                String why = switch (f.contains(".") ? f.substring(0, f.indexOf('.') + 1) : f) {
                    case "pid", "ppid" -> "the agent's " + f + " is a pid of the machine's (the agent and its parent, the JVM, are"
                            + " outside the lab), another on every run";
                    case "wait", "errno", "var.", "frames." -> "the agent has no " + f + ": it takes no lab step";
                    default -> "the agent's " + f + " is its own (its memory, its work, its privileges), which the model does not follow";
                };
                throw bail(items.get(i).pos(), why + "; observe the agent's " + String.join(", ", Fields.AGENT));
            }
        }

        /** Each item checked (and named) by {@code one}; a name listed twice is an error at its second place. */
        List<String> distinct(List<Node> items, java.util.function.Function<Node, String> one) {
            List<String> out = new ArrayList<>();
            for (Node n : items) {
                String name = one.apply(n);
                if (out.contains(name)) throw bail(n.pos(), name + " is listed twice");
                out.add(name);
            }
            return List.copyOf(out);
        }

        /** A system field: pid_max, ..., kernel_stack_kb, sizeof.STRUCT or offsetof.STRUCT.MEMBER[.MEMBER...]. */
        String systemField(Node n) {
            String f = string(n, "a system field");
            if (Fields.SYSTEM.contains(f)) return f;
            if (f.startsWith("sizeof.")) {
                String st = f.substring(7);
                if (!IDENT.matcher(st).matches()) throw bail(n.pos(), "sizeof.STRUCT names one struct, like sizeof.task_struct; got " + f);
                return f;
            }
            if (f.startsWith("offsetof.")) {
                String[] parts = f.substring(9).split("\\.", -1);
                if (parts.length < 2) throw bail(n.pos(), "offsetof.STRUCT.MEMBER names a struct and a member, like offsetof.task_struct.thread_info; got " + f);
                for (String part : parts) {
                    if (!IDENT.matcher(part).matches()) throw bail(n.pos(), "not a struct or member name: " + part + " in " + f);
                }
                return f;
            }
            throw bail(n.pos(), "unknown system field " + f + or(Suggest.didYouMean(f, Fields.SYSTEM),
                    "; system fields are " + String.join(", ", Fields.SYSTEM) + ", sizeof.STRUCT, offsetof.STRUCT.MEMBER"));
        }

        /**
         * A proc observe's since: {@code LABEL} (each process against its own reading) or {@code {label:
         * LABEL, proc: NAME}} (against NAME's); its fields must be counters the label read, and the label
         * must have read each process compared with. Returns {label, proc or null}.
         */
        String[] procSince(Node value, List<String> procs, Node fieldsNode) {
            Node labelNode = value;
            String from = null;
            if (value instanceof Node.Mapping sm) {
                for (Node.Entry e : sm.list()) {
                    if (!List.of("label", "proc").contains(e.key())) throw unknownKey(e, "since", List.of("label", "proc"));
                }
                labelNode = sm.get("label");
                if (labelNode == null) throw bail(sm.pos(), "since needs a label: since: {label: LABEL, proc: NAME}");
                if (sm.has("proc")) from = use(sm.get("proc"));
            }
            String since = ident(labelNode, "since");
            Label l = sinceLabel(labelNode, since, "proc");
            for (Node f : list(fieldsNode, "fields")) {
                String name = ((Node.Scalar) f).text();
                if (!Fields.DELTAS.contains(name)) {
                    throw bail(f.pos(), "since makes differences of " + String.join(", ", Fields.DELTAS) + "; " + name
                            + " is not one of them (observe it in a step without since)");
                }
                if (l.fields() != null && !l.fields().contains(name)) {
                    throw bail(f.pos(), "label " + since + " (at " + l.pos() + ") did not read " + name);
                }
            }
            if (l.procs() != null) {
                for (String p : from != null ? List.of(from) : procs) {
                    if (!l.procs().contains(p)) {
                        throw bail(labelNode.pos(), "label " + since + " (at " + l.pos() + ") did not read " + p
                                + (from == null ? "; to compare with another process's reading: since: {label: " + since + ", proc: "
                                + l.procs().get(0) + "}" : ""));
                    }
                }
            }
            return new String[] {since, from};
        }

        /** The label a since names: defined by an earlier observe of the same kind (slab or proc). */
        Label sinceLabel(Node n, String since, String kind) {
            Label l = labels.get(since);
            if (l == null) {
                throw bail(n.pos(), "since names label " + since + ", which no earlier observe defines"
                        + Suggest.didYouMean(since, labels.keySet()));
            }
            if (l.kind() != null && !l.kind().equals(kind)) {
                throw bail(n.pos(), "label " + since + " (at " + l.pos() + ") is a " + l.kind() + " reading; a " + kind
                        + " observe needs a " + kind + " label");
            }
            return l;
        }

        void checkObserved(Node.Entry e, String what, String kind, List<String> observed) {
            if (observed.contains(e.key())) return;
            String hint = Suggest.didYouMean(e.key(), observed);
            if (hint.isEmpty() && kind.equals("slab")) {
                hint = "; slab keys are CACHE.FIELD, e.g. " + observed.get(0);
            }
            throw bail(e.keyPos(), what + " key " + e.key() + " is not among the observed "
                    + (kind.equals("slab") ? "slab fields" : kind.equals("kernel") ? "kernel fields" : "fields")
                    + (kind.equals("slab") ? "" : " " + observed) + hint);
        }

        List<String> fields(Node n) {
            List<Node> items = list(n, "fields");
            if (items.isEmpty()) throw bail(n.pos(), "fields is empty; name at least one field");
            return distinct(items, this::field);
        }

        String field(Node n) {
            String f = string(n, "a field name");
            if (Fields.PROCESS.contains(f)) return f;
            int dot = f.indexOf('.');
            if (dot > 0) {
                String head = f.substring(0, dot), rest = f.substring(dot + 1);
                switch (head) {
                    case "flags":
                        if (PfFlags.bit(rest) == 0) {
                            throw bail(n.pos(), "unknown PF flag " + rest
                                    + or(Suggest.didYouMean(rest, PfFlags.allNames()), "; flags are PF_EXITING, PF_FORKNOEXEC, PF_SUPERPRIV, PF_KTHREAD, ..."));
                        }
                        return f;
                    case "var":
                        if (!IDENT.matcher(rest).matches()) throw bail(n.pos(), "not a variable name: " + rest);
                        if (!allVars.contains(rest)) {
                            throw bail(n.pos(), "no set, add or handle step writes variable " + rest
                                    + Suggest.didYouMean(rest, allVars));
                        }
                        return f;
                    case "frames":
                        if (!IDENT.matcher(rest).matches()) throw bail(n.pos(), "not a region name: " + rest);
                        if (!allRegions.contains(rest)) {
                            throw bail(n.pos(), "no map step creates region " + rest + Suggest.didYouMean(rest, allRegions));
                        }
                        return f;
                    default:
                        String h = Suggest.closest(head, List.of("flags", "var", "frames"));
                        throw bail(n.pos(), "unknown field " + f + (h != null ? "; did you mean " + h + "." + rest + "?"
                                : "; fields with a dot are var.NAME, frames.REGION and flags.PF_NAME"));
                }
            }
            if (Fields.isSystemField(f)) {
                throw bail(n.pos(), f + " is a system field: observe: {system: [" + f + "]}");
            }
            if (Fields.isKernelField(f)) {
                throw bail(n.pos(), f + " is a kernel field: observe: {kernel: [" + f + "], since: LABEL}");
            }
            throw bail(n.pos(), "unknown field " + f
                    + or(Suggest.didYouMean(f, Fields.PROCESS), "; process fields are " + String.join(", ", Fields.PROCESS)
                    + ", var.NAME, frames.REGION, flags.PF_NAME"));
        }

        /** An expected value, checked against what the field can hold. */
        Object expected(String field, Node n) {
            Object v = value(n);
            if (v == null) return null;
            switch (field) {
                case "state":
                    if (!(v instanceof String s) || s.length() != 1 || STATES.indexOf(s.charAt(0)) < 0) {
                        throw bail(n.pos(), "state is one letter of R S D T t Z X I; got " + Values.show(v));
                    }
                    return v;
                case "exists":
                case "kthread":
                    return need(v instanceof Boolean, v, n, field + " is true or false");
                case "pid": case "threads": case "minflt": case "majflt": case "rss_anon_kb": case "vm_pte_kb":
                    return need(v instanceof Long, v, n, field + " is a number");
                case "comm":
                    return need(v instanceof String, v, n, "comm is a string");
                case "wchan":
                    return need(v instanceof String, v, n, "wchan is the name of a kernel function (or null: not sleeping)");
                case "kstack": {
                    need(v instanceof List, v, n, "kstack is a list of kernel function names, innermost first");
                    for (Object o : (List<?>) v) need(o instanceof String, o, n, "each frame of kstack is a function name");
                    return v;
                }
                case "ppid": case "tgid": case "pgid": case "sid":
                    return pidValue(v, n, field);
                case "pending": case "blocked": case "caught": case "ignored": {
                    // a set of signals: written in any order, compared in number order
                    need(v instanceof List, v, n, field + " is a list of signal names, like [SIGUSR1, SIGTERM]");
                    List<Integer> nums = new ArrayList<>();
                    for (Object o : (List<?>) v) {
                        String s = o instanceof String str ? (str.startsWith("SIG") ? str : "SIG" + str) : null;
                        if (s == null || !SIGNALS.contains(s)) {
                            throw bail(n.pos(), "each of " + field + " is a signal name (SIGUSR1, ...); got " + Values.show(o)
                                    + (s == null ? "" : Suggest.didYouMean(s, SIGNALS)));
                        }
                        if (nums.contains(SIGNALS.indexOf(s) + 1)) throw bail(n.pos(), s + " is listed twice in " + field);
                        nums.add(SIGNALS.indexOf(s) + 1);
                    }
                    Collections.sort(nums);
                    List<Object> out = new ArrayList<>();
                    for (int k : nums) out.add(Signals.name(k));
                    return out;
                }
                case "children": {
                    need(v instanceof List, v, n, "children is a list of process names");
                    for (Object o : (List<?>) v) pidValue(o, n, "each child");
                    return v;
                }
                case "flags": {
                    need(v instanceof List, v, n, "flags is a list of PF_* names");
                    for (Object o : (List<?>) v) {
                        if (!(o instanceof String s) || PfFlags.bit(s) == 0) {
                            throw bail(n.pos(), "unknown PF flag " + Values.show(o) + Suggest.didYouMean(String.valueOf(o), PfFlags.allNames()));
                        }
                    }
                    return v;
                }
                case "errno":
                    if (!(v instanceof String s) || Errno.number(s) < 0) {
                        throw bail(n.pos(), "errno is a name like EAGAIN, ECHILD or EINVAL (or null); got " + Values.show(v));
                    }
                    return v;
                case "wait": {
                    Map<String, Object> w = object(v, n, "wait", Fields.WAIT);
                    if (w.containsKey("pid") && w.get("pid") != null) pidValue(w.get("pid"), n, "wait.pid");
                    if (w.get("signal") instanceof String s) {
                        String full = s.startsWith("SIG") ? s : "SIG" + s;
                        if (!SIGNALS.contains(full)) {
                            throw bail(n.pos(), "unknown signal " + s + Suggest.didYouMean(full, SIGNALS));
                        }
                        w.put("signal", full);
                    }
                    for (String k : List.of("exited", "signaled", "core", "stopped", "continued")) {
                        if (w.get(k) != null && !(w.get(k) instanceof Boolean)) {
                            throw bail(n.pos(), "wait." + k + " is true or false; got " + Values.show(w.get(k)));
                        }
                    }
                    for (String k : List.of("status", "code")) {
                        if (w.get(k) != null && !(w.get(k) instanceof Long)) {
                            throw bail(n.pos(), "wait." + k + " is a number; got " + Values.show(w.get(k)));
                        }
                    }
                    return w;
                }
                default:
                    if (field.startsWith("frames.")) {
                        Map<String, Object> fr = object(v, n, field, Fields.FRAMES);
                        for (Map.Entry<String, Object> e : fr.entrySet()) {
                            if (e.getValue() != null && !(e.getValue() instanceof Long)) {
                                throw bail(n.pos(), field + "." + e.getKey() + " is a number of pages; got " + Values.show(e.getValue()));
                            }
                        }
                        return fr;
                    }
                    if (field.startsWith("flags.")) return need(v instanceof Boolean, v, n, field + " is true or false");
                    if (field.startsWith("var.")) return need(v instanceof Long, v, n, field + " is a number");
                    // system and slab fields are numbers
                    return need(v instanceof Long || v instanceof Double, v, n, field + " is a number");
            }
        }

        Object need(boolean ok, Object v, Node n, String what) {
            if (!ok) throw bail(n.pos(), what + "; got " + Values.show(v));
            return v;
        }

        Object pidValue(Object v, Node n, String what) {
            if (v instanceof Long || v == null) return v;
            if (v instanceof String s) {
                if (s.equals("agent") || isBound(s)) return v;
                throw bail(n.pos(), "unknown process " + s + " in " + what + Suggest.didYouMean(s, bound.keySet()));
            }
            throw bail(n.pos(), what + " is a process name or a number; got " + Values.show(v));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(Object v, Node n, String field, List<String> keys) {
            if (!(v instanceof Map)) {
                throw bail(n.pos(), field + " is an object {" + String.join(", ", keys) + "}; got " + Values.show(v));
            }
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) v);
            Node.Mapping nm = (Node.Mapping) n;
            for (Node.Entry e : nm.list()) {
                if (!keys.contains(e.key())) {
                    throw bail(e.keyPos(), "unknown key " + e.key() + " in " + field
                            + or(Suggest.didYouMean(e.key(), keys), "; it has " + String.join(", ", keys)));
                }
            }
            return m;
        }

        Tolerance tolerance(Node n) {
            if (n instanceof Node.Scalar s) {
                if (s.value() instanceof Long || s.value() instanceof Double) {
                    double d = ((Number) s.value()).doubleValue();
                    if (d < 0) throw bail(n.pos(), "a tolerance cannot be negative; got " + s.text());
                    return new Tolerance(d, false);
                }
                if (s.value() instanceof String str) {
                    Matcher m = PERCENT.matcher(str.trim());
                    if (m.matches()) return new Tolerance(Double.parseDouble(m.group(1)), true);
                }
            }
            throw bail(n.pos(), "a tolerance is a number (10) or a percentage (\"10%\"); got " + n.kind());
        }

        // ---------------------------------------------------------------- plain YAML values

        boolean isNull(Node n) {
            return n == null || n instanceof Node.Scalar s && s.value() == null;
        }

        Object value(Node n) {
            if (n instanceof Node.Scalar s) {
                if (s.value() instanceof BigInteger) throw bail(n.pos(), "number too large: " + s.text());
                return s.value();
            }
            if (n instanceof Node.Seq s) {
                List<Object> out = new ArrayList<>();
                for (Node c : s.items()) out.add(value(c));
                return out;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Node.Entry e : ((Node.Mapping) n).list()) out.put(e.key(), value(e.value()));
            return out;
        }

        Node.Mapping mapping(Node n, String what) {
            if (n instanceof Node.Mapping m) return m;
            throw bail(n.pos(), what + " must be a mapping {key: value, ...}; got " + n.kind());
        }

        List<Node> list(Node n, String what) {
            if (n instanceof Node.Seq s) return s.items();
            throw bail(n.pos(), what + " must be a list [a, b, ...]; got " + n.kind());
        }

        String string(Node n, String what) {
            if (n instanceof Node.Scalar s && s.value() instanceof String str) {
                if (str.isEmpty()) throw bail(n.pos(), what + " must not be empty");
                return str;
            }
            throw bail(n.pos(), "expected " + what + " (a string); got " + n.kind());
        }

        /** Any scalar's text as written (a title may be a number); not null, not a list or mapping. */
        String text(Node n, String what) {
            if (n instanceof Node.Scalar s && s.value() != null && !s.text().isEmpty()) return s.text();
            throw bail(n.pos(), what + " must be text; got " + n.kind());
        }

        String ident(Node n, String what) {
            String s = string(n, what);
            if (s.contains("{i}")) throw bail(n.pos(), "{i} is only expanded in process names, not in " + what);
            if (!IDENT.matcher(s).matches()) {
                throw bail(n.pos(), what + " " + s + " must start with a letter and hold only letters, digits and '_'");
            }
            if (s.length() > Limits.NAME_BYTES) throw bail(n.pos(), what + " " + s + " is longer than " + Limits.NAME_BYTES + " characters");
            return s;
        }

        long integer(Node n, String what) {
            if (n instanceof Node.Scalar s) {
                if (s.value() instanceof Long l) return l;
                if (s.value() instanceof BigInteger) throw bail(n.pos(), what + " is too large: " + s.text());
                if (s.value() instanceof Double) throw bail(n.pos(), what + " must be a whole number; got " + s.text());
            }
            throw bail(n.pos(), what + " must be an integer; got " + n.kind());
        }

        boolean bool(Node n, String what) {
            if (n instanceof Node.Scalar s && s.value() instanceof Boolean b) return b;
            throw bail(n.pos(), what + " must be true or false; got " + n.kind());
        }

        static String or(String suggestion, String otherwise) {
            return Suggest.or(suggestion, otherwise);
        }
    }
}
