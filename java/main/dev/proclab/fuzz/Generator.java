package dev.proclab.fuzz;

import dev.proclab.kernel.Duration;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Random valid labs from the whole step grammar. A reference model runs beside the generator: a
 * candidate step that the model says its process could not take (blocked, as {@code proclab run}
 * would refuse) is thrown away and another drawn, so every lab made is one the dry run accepts.
 * The model's view of each process's state weights the draw towards the interleavings where
 * kernels and books part ways: signals to stopped, traced and vfork-suspended processes, leaders
 * that exit before their threads, orphans of orphans, exec from a thread, waits with every option.
 * The same seed always gives the same lab.
 */
public final class Generator {
    /** Steps of a lab, observes included, before the closing observe. */
    static final int MIN_STEPS = 6, MAX_STEPS = 36;
    /** Processes a lab names at most (living or not). */
    static final int MAX_NAMES = 14;
    private static final int TRIES = 24;

    /** The programs a generated lab may exec (argv[0]), so a model can be told how this machine finds them. */
    public static final List<String> PROGRAMS = List.of("true", "false", "echo", "sleep", "sh", "cat", "ls", "/nonexistent/proclab-fuzz", "/tmp");

    static final List<String> THREAD_FLAGS = List.of("CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_THREAD");

    /** Signals whose default action ends the process. */
    static final Set<String> FATAL = Set.of("SIGKILL", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGQUIT", "SIGHUP", "SIGINT", "SIGSEGV",
            "SIGALRM", "SIGPIPE", "SIGTRAP", "SIGABRT", "SIGSYS");

    private final Supplier<Kernel> models;

    /** @param models fresh reference models (told this machine's facts) to steer the generation */
    public Generator(Supplier<Kernel> models) {
        this.models = models;
    }

    public Scenario generate(long seed) {
        return new Run(seed).make();
    }

    /** What the generator keeps of each name; the model keeps the rest. */
    private static final class Proc {
        final String name, parent;
        final boolean thread;
        boolean exited, execd;
        String vforkChild;    // the child this process waits for in vfork (parser's view)
        String vforkParent;   // for a vfork child: its parent, until its exit or exec step

        Proc(String name, String parent, boolean thread) {
            this.name = name;
            this.parent = parent;
            this.thread = thread;
        }
    }

    private final class Run {
        final long seed;
        final SplittableRandom r;
        final Sandbox sandbox;
        final boolean setuid;
        final List<Step> steps = new ArrayList<>();
        final Map<String, Proc> procs = new LinkedHashMap<>();
        final Map<String, Integer> regions = new LinkedHashMap<>();
        final Set<String> vars = new LinkedHashSet<>();
        Map<String, String> states = new HashMap<>();
        Kernel model;
        int counter;

        Run(long seed) {
            this.seed = seed;
            this.r = new SplittableRandom(seed);
            this.setuid = r.nextInt(100) < 12;
            this.sandbox = pickSandbox().withUserNamespace(setuid);
        }

        Sandbox pickSandbox() {
            int x = r.nextInt(100);
            if (x < 58) return Sandbox.NONE;
            if (x < 86) return new Sandbox(true, null, null);
            if (x < 92) return new Sandbox(true, 301 + r.nextInt(40), null);
            if (x < 97) return new Sandbox(false, null, 3 + r.nextInt(6));
            return new Sandbox(true, null, 3 + r.nextInt(6));
        }

        Scenario make() {
            model = models.get();
            try {
                model.begin(sandbox);
                procs.put("main", new Proc("main", null, false));
                refresh();
                int want = MIN_STEPS + r.nextInt(MAX_STEPS - MIN_STEPS + 1);
                int misses = 0;
                while (steps.size() < want && misses < 8) {
                    if (tryOne()) misses = 0;
                    else misses++;
                }
                List<String> all = new ArrayList<>(procs.keySet());
                Step last = observe(all, closingFields());
                take(last);
            } catch (KernelException e) {
                throw new IllegalStateException("the model refused a sandbox it was given: " + e.getMessage(), e);
            } finally {
                model.close();
            }
            String text = LabText.render(Scenario.idOf(seed), "generated by proclab fuzz, seed " + Long.toUnsignedString(seed),
                    sandbox, steps, List.of());
            return new Scenario(seed, sandbox, List.copyOf(steps), text);
        }

        // ------------------------------------------------------------ drawing

        boolean tryOne() {
            for (int i = 0; i < TRIES; i++) {
                Step s = draw();
                if (s == null) continue;
                if (take(s)) {
                    afterTaken(s);
                    return true;
                }
            }
            return false;
        }

        /** Applies s to the model; false (and nothing changed) when its process could not take it. */
        boolean take(Step s) {
            StepResult res;
            try {
                res = model.apply(s);
            } catch (KernelException e) {
                return false;
            }
            for (Event e : res.events()) if (e.kind().equals(Event.BLOCKED)) return false;
            steps.add(s);
            refresh();
            return true;
        }

        Step draw() {
            if (r.nextInt(100) < 12) return formatStep();
            int runnable = runnable();
            boolean room = procs.size() < MAX_NAMES;
            // a lab with few processes left to act grows; one with none can only be signalled and looked at
            int grow = runnable == 0 ? 0 : runnable == 1 ? 40 : runnable == 2 ? 22 : 14;
            int[] w = {
                room ? grow : 0,            // fork
                room ? grow * 2 / 3 : 0,    // clone
                room ? 4 : 0,               // vfork
                runnable > 1 ? 6 : 2,       // exec
                runnable > 1 ? 10 : 3,      // exit
                18,                         // signal
                12,                         // wait
                3,                          // ptrace
                2, 1,                       // hold, spin
                runnable > 2 ? 3 : 0,       // block
                1,                          // pause
                2, 3,                       // var, memory
                2, 3, setuid ? 3 : 0, 2,    // subreaper, ignore, setuid, rlimit
                room ? 2 : 0,               // repeat
                10                          // observe
            };
            int total = 0;
            for (int x : w) total += x;
            int x = r.nextInt(total);
            int k = 0;
            while (x >= w[k]) x -= w[k++];
            return switch (k) {
                case 0 -> fork();
                case 1 -> cloneStep();
                case 2 -> vfork();
                case 3 -> exec();
                case 4 -> exit();
                case 5 -> signal();
                case 6 -> waitStep();
                case 7 -> ptrace();
                case 8 -> hold();
                case 9 -> spin();
                case 10 -> block();
                case 11 -> new Step.Pause(Duration.ofMillis(2 + r.nextInt(20)), Pos.NONE);
                case 12 -> var();
                case 13 -> memory();
                case 14 -> subreaper();
                case 15 -> ignore();
                case 16 -> setuid();
                case 17 -> rlimit();
                case 18 -> repeat();
                default -> randomObserve();
            };
        }

        /** Names that may act now, by the generator's bookkeeping and the model's states. */
        int runnable() {
            int n = 0;
            for (Proc p : procs.values()) if (mayAct(p, "any")) n++;
            return n;
        }

        // ------------------------------------------------------------ steps

        Step fork() {
            String a = actor();
            return a == null ? null : new Step.Fork(a, fresh("p"), Pos.NONE);
        }

        Step vfork() {
            String a = actor();
            return a == null ? null : new Step.VFork(a, fresh("v"), Pos.NONE);
        }

        Step cloneStep() {
            String a = actor();
            if (a == null) return null;
            int x = r.nextInt(100);
            List<String> flags;
            String sig = null;
            String prefix = "c";
            if (x < 50) {
                flags = THREAD_FLAGS;
                prefix = "t";
            } else if (x < 58) flags = List.of("CLONE_VM");
            else if (x < 63) flags = List.of("CLONE_VM", "CLONE_SIGHAND");
            else if (x < 70) flags = List.of("CLONE_PARENT");
            else if (x < 74) flags = List.of("CLONE_FILES", "CLONE_FS");
            else if (x < 79) {
                flags = List.of("CLONE_VM", "CLONE_VFORK");
                prefix = "v";
            } else if (x < 85) flags = List.of("CLONE_NEWPID");
            else if (x < 88) flags = List.of("CLONE_NEWUSER");
            else if (x < 91) flags = List.of("CLONE_NEWUSER", "CLONE_NEWPID");
            else if (x < 94) flags = List.of("CLONE_THREAD");
            else if (x < 96) flags = List.of("CLONE_SIGHAND");
            else flags = List.of("CLONE_PARENT", "CLONE_THREAD", "CLONE_SIGHAND", "CLONE_VM");
            if (!flags.contains("CLONE_THREAD") && r.nextInt(100) < 15) sig = pick("SIGUSR1", "SIGCHLD", "SIGTERM", "SIGHUP");
            return new Step.Clone(a, fresh(prefix), flags, sig, Pos.NONE);
        }

        Step exec() {
            String a = actorFor("exec");
            if (a == null) return null;
            int x = r.nextInt(100);
            List<String> argv;
            if (x < 16) argv = List.of("true");
            else if (x < 26) argv = List.of("false");
            else if (x < 34) argv = List.of("echo", "hello");
            else if (x < 56) argv = List.of("sleep", "infinity");
            else if (x < 66) argv = List.of("sh", "-c", "exit " + pick("0", "3", "255", "300", "-1"));
            else if (x < 72) argv = List.of("cat");
            else if (x < 78) argv = List.of("ls", "/");
            else if (x < 86) argv = List.of("/nonexistent/proclab-fuzz");
            else if (x < 92) argv = List.of("/tmp");
            else argv = List.of("sleep", "0");
            return new Step.Exec(a, argv, Pos.NONE);
        }

        Step exit() {
            String a = actorFor("exit");
            if (a == null) return null;
            int x = r.nextInt(100);
            int code = x < 40 ? 0 : x < 80 ? 1 + r.nextInt(9) : x < 90 ? 255 : x < 95 ? 256 + r.nextInt(10) : -1 - r.nextInt(3);
            return new Step.Exit(a, code, Pos.NONE);
        }

        Step signal() {
            String to = target();
            if (to == null) return null;
            String sig = signalName();
            // the lab's first process dies rarely: with it goes whatever could still act
            if (to.equals("main") && FATAL.contains(sig) && r.nextInt(100) < 80) return null;
            String from = r.nextInt(100) < 45 ? actor() : null;
            return new Step.Signal(from, to, sig, Pos.NONE);
        }

        String signalName() {
            int x = r.nextInt(100);
            if (x < 14) return "SIGKILL";
            if (x < 24) return "SIGTERM";
            if (x < 38) return "SIGSTOP";
            if (x < 52) return "SIGCONT";
            if (x < 58) return "SIGTSTP";
            if (x < 63) return "SIGUSR1";
            if (x < 68) return "SIGCHLD";
            if (x < 71) return "SIGQUIT";
            if (x < 74) return "SIGHUP";
            if (x < 76) return "SIGINT";
            if (x < 79) return "SIGTTIN";
            if (x < 81) return "SIGTTOU";
            if (x < 84) return "SIGWINCH";
            if (x < 86) return "SIGURG";
            if (x < 88) return "SIGSEGV";
            if (x < 90) return "SIGALRM";
            if (x < 92) return "SIGPIPE";
            if (x < 94) return "SIGUSR2";
            if (x < 96) return "SIGTRAP";
            if (x < 98) return "SIGABRT";
            return "SIGSYS";
        }

        Step waitStep() {
            String a = actor();
            if (a == null) return null;
            List<String> kids = childrenOf(a);
            String target;
            int x = r.nextInt(100);
            if (x < 55 && !kids.isEmpty()) target = kids.get(r.nextInt(kids.size()));
            else if (x < 90) target = "any";
            else target = anyName();
            List<String> options = new ArrayList<>();
            if (r.nextInt(100) < 45) options.add("WNOHANG");
            if (r.nextInt(100) < 30) options.add("WUNTRACED");
            if (r.nextInt(100) < 20) options.add("WCONTINUED");
            if (r.nextInt(100) < 10) options.add("WNOWAIT");
            return new Step.Wait(a, target, options, Pos.NONE);
        }

        Step ptrace() {
            String a = actor();
            String t = anyName();
            return a == null || t == null || a.equals(t) ? null : new Step.Ptrace(a, t, Pos.NONE);
        }

        Step hold() {
            String a = actor();
            return a == null ? null : new Step.Hold(a, Duration.ofMillis(2 + r.nextInt(25)), Pos.NONE);
        }

        Step spin() {
            String a = actor();
            return a == null ? null : new Step.Spin(a, Duration.ofMillis(2 + r.nextInt(15)), Pos.NONE);
        }

        Step block() {
            String a = actor();
            return a == null ? null : new Step.Block(a, Pos.NONE);
        }

        Step var() {
            String a = actor();
            if (a == null) return null;
            String v = pick("x", "y");
            long value = r.nextInt(1000) - 100;
            return r.nextBoolean() ? new Step.SetVar(a, v, value, Pos.NONE) : new Step.AddVar(a, v, value, Pos.NONE);
        }

        Step memory() {
            String a = actor();
            if (a == null) return null;
            if (regions.isEmpty() || r.nextInt(100) < 30) {
                String name = pick("heap", "buf");
                if (regions.containsKey(name)) name = name.equals("heap") ? "buf" : "heap";
                if (regions.containsKey(name)) return null;
                int pages = 1 + r.nextInt(32);
                return new Step.MapRegion(a, name, pages, Pos.NONE);
            }
            List<String> names = new ArrayList<>(regions.keySet());
            String region = names.get(r.nextInt(names.size()));
            int pages = regions.get(region);
            PageRange range;
            int y = r.nextInt(3);
            if (y == 0) range = PageRange.ALL;
            else if (y == 1) range = PageRange.firstN(1 + r.nextInt(pages));
            else {
                int first = r.nextInt(pages);
                range = PageRange.of(first, first + r.nextInt(pages - first));
            }
            return new Step.Touch(a, region, range, r.nextInt(100) < 70, Pos.NONE);
        }

        Step subreaper() {
            String a = actor();
            return a == null ? null : new Step.Subreaper(a, Pos.NONE);
        }

        Step ignore() {
            String a = actor();
            return a == null ? null : new Step.Ignore(a, pick("SIGCHLD", "SIGCHLD", "SIGCHLD", "SIGTERM", "SIGTSTP", "SIGUSR1", "SIGHUP",
                    "SIGCONT", "SIGTTIN", "SIGKILL"), Pos.NONE);
        }

        Step setuid() {
            String a = actor();
            return a == null ? null : new Step.SetUid(a, r.nextInt(100) < 30 ? 0 : r.nextInt(100) < 70 ? 1000 : 65534, Pos.NONE);
        }

        Step rlimit() {
            String a = actor();
            if (a == null) return null;
            int x = r.nextInt(100);
            if (x < 60) return new Step.Rlimit(a, "NPROC", r.nextInt(8), Pos.NONE);
            if (x < 85) return new Step.Rlimit(a, "CORE", r.nextBoolean() ? -1 : r.nextInt(2) * 4096, Pos.NONE);
            return new Step.Rlimit(a, "NOFILE", pick(64L, 1024L, 4096L, 1L << 21), Pos.NONE);
        }

        Step repeat() {
            String a = actor();
            if (a == null) return null;
            String base = "r" + (++counter) + "_";
            String child = base + "{i}";
            int times = 2 + r.nextInt(3);
            List<Step> body = new ArrayList<>();
            body.add(new Step.Fork(a, child, Pos.NONE));
            int x = r.nextInt(3);
            if (x >= 1) body.add(new Step.Exit(child, r.nextInt(4), Pos.NONE));
            if (x == 2) body.add(new Step.Wait(a, child, List.of(), Pos.NONE));
            return new Step.Repeat(times, body, Pos.NONE);
        }

        Step randomObserve() {
            List<String> all = new ArrayList<>(procs.keySet());
            int n = 1 + r.nextInt(Math.min(3, all.size()));
            List<String> chosen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String p = all.get(r.nextInt(all.size()));
                if (!chosen.contains(p)) chosen.add(p);
            }
            List<String> pool = fieldPool();
            List<String> fields = new ArrayList<>();
            int k = 2 + r.nextInt(5);
            for (int i = 0; i < k; i++) {
                String f = pool.get(r.nextInt(pool.size()));
                if (!fields.contains(f)) fields.add(f);
            }
            return observe(chosen, fields);
        }

        List<String> fieldPool() {
            List<String> pool = new ArrayList<>(List.of("state", "state", "exists", "ppid", "threads", "flags", "children", "wait",
                    "errno", "tgid", "pgid", "sid", "comm"));
            if (sandbox.pidNamespace()) pool.add("pid");
            for (String v : vars) pool.add("var." + v);
            for (String g : regions.keySet()) pool.add("frames." + g);
            return pool;
        }

        List<String> closingFields() {
            List<String> fs = new ArrayList<>(List.of("exists", "state", "ppid", "tgid", "pgid", "sid", "threads", "comm", "flags",
                    "children", "wait", "errno"));
            if (sandbox.pidNamespace()) fs.add("pid");
            for (String v : vars) fs.add("var." + v);
            for (String g : regions.keySet()) fs.add("frames." + g);
            return fs;
        }

        Step observe(List<String> names, List<String> fields) {
            return new Step.Observe(List.copyOf(names), null, List.copyOf(fields), List.of(), List.of(), List.of(), null, null, Map.of(),
                    Map.of(), Map.of(), Pos.NONE);
        }

        // ------------------------------------------------------------ issue 10: what the format says since

        /**
         * The steps issue 10 added, and the fields it made observable: kill(pid, 0), children without an
         * exit signal and the waits that find them (__WCLONE, __WALL, __WNOTHREAD), setpgid and setsid
         * (groups that are not orphaned, where SIGTSTP stops and an exit sends SIGHUP), handlers and
         * masks (signals caught, pending, unblocked later), and the signal sets, pgid and sid of the lab's
         * processes and of the agent. Null when nothing fits now (another draw follows).
         */
        private Step formatStep() {
            int x = r.nextInt(100);
            if (x < 12) {
                String to = target();
                return to == null ? null : new Step.Signal(r.nextInt(100) < 60 ? actor() : null, to, "0", Pos.NONE);
            }
            if (x < 22) {
                String a = actor();
                if (a == null || procs.size() >= MAX_NAMES) return null;
                List<String> flags = r.nextInt(100) < 20 ? List.of("CLONE_VM") : List.of();
                return new Step.Clone(a, fresh("n"), flags, r.nextInt(100) < 75 ? "none" : pick("SIGUSR2", "SIGCHLD"), Pos.NONE);
            }
            if (x < 34) {
                String a = actor();
                if (a == null) return null;
                List<String> kids = childrenOf(a);
                String target = !kids.isEmpty() && r.nextBoolean() ? kids.get(r.nextInt(kids.size())) : "any";
                List<String> options = new ArrayList<>();
                int y = r.nextInt(100);
                if (y < 40) options.add("__WALL");
                else if (y < 75) options.add("__WCLONE");
                else if (y < 90) options.add("__WNOTHREAD");
                if (r.nextInt(100) < 50) options.add("WNOHANG");
                if (r.nextInt(100) < 20) options.add("WUNTRACED");
                return new Step.Wait(a, target, options, Pos.NONE);
            }
            if (x < 50) {
                String a = actor();
                if (a == null) return null;
                List<String> kids = childrenOf(a);
                int y = r.nextInt(100);
                String pid = y < 45 || kids.isEmpty() ? null : y < 90 ? kids.get(r.nextInt(kids.size())) : anyName();
                if (a.equals(pid)) pid = null;
                int z = r.nextInt(100);
                String pgid = z < 55 ? null : z < 70 ? "agent" : anyName();
                return new Step.SetPgid(a, pid, pgid, Pos.NONE);
            }
            if (x < 56) {
                String a = actor();
                return a == null ? null : new Step.SetSid(a, Pos.NONE);
            }
            if (x < 68) {
                String a = actor();
                return a == null ? null : new Step.Handle(a, pick("SIGUSR1", "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGCHLD", "SIGCHLD", "SIGCONT",
                        "SIGTSTP", "SIGHUP", "SIGINT", "SIGKILL"), Pos.NONE);
            }
            if (x < 82) {
                String a = actor();
                if (a == null) return null;
                List<String> pool = new ArrayList<>(List.of("SIGUSR1", "SIGUSR2", "SIGTERM", "SIGCHLD", "SIGTSTP", "SIGHUP", "SIGCONT",
                        "SIGQUIT", "SIGKILL"));
                List<String> block = new ArrayList<>(), unblock = new ArrayList<>();
                for (int i = 1 + r.nextInt(3); i > 0 && !pool.isEmpty(); i--) {
                    String sig = pool.remove(r.nextInt(pool.size()));
                    if (r.nextInt(100) < 60) block.add(sig);
                    else unblock.add(sig);
                }
                if (block.isEmpty() && unblock.isEmpty()) return null;
                return new Step.Mask(a, List.copyOf(block), List.copyOf(unblock), Pos.NONE);
            }
            // the signal sets, groups and sessions, now and then the agent's too (only the fields it has)
            List<String> all = new ArrayList<>(procs.keySet());
            List<String> chosen = new ArrayList<>();
            for (int i = 1 + r.nextInt(Math.min(3, all.size())); i > 0; i--) {
                String p = all.get(r.nextInt(all.size()));
                if (!chosen.contains(p)) chosen.add(p);
            }
            if (r.nextInt(100) < 15) {
                return observe(List.of("agent"), List.of(pick("children", "pgid", "sid", "state"), pick("children", "threads", "tgid")).stream()
                        .distinct().toList());
            }
            List<String> fields = new ArrayList<>(List.of("pending", "blocked", "caught", "ignored", "pgid", "sid", "state"));
            java.util.Collections.shuffle(fields, new java.util.Random(r.nextLong()));
            return observe(chosen, List.copyOf(fields.subList(0, 2 + r.nextInt(4))));
        }

        // ------------------------------------------------------------ bookkeeping

        void afterTaken(Step s) {
            if (s instanceof Step.MapRegion m) regions.put(m.region(), m.pages());
            else if (s instanceof Step.SetVar v) vars.add(v.var());
            else if (s instanceof Step.AddVar v) vars.add(v.var());
            else if (s instanceof Step.Handle h) vars.add(Step.Handle.var(h.sig()));
            else if (s instanceof Step.Fork f) procs.put(f.child(), new Proc(f.child(), f.proc(), false));
            else if (s instanceof Step.VFork f) vforked(f.proc(), f.child());
            else if (s instanceof Step.Clone c) {
                boolean thread = c.flags().contains("CLONE_THREAD");
                String parent = c.flags().contains("CLONE_PARENT") || thread ? parentOf(c.proc()) : c.proc();
                procs.put(c.child(), new Proc(c.child(), parent, thread));
                if (c.flags().contains("CLONE_VFORK")) vforked(c.proc(), c.child());
            } else if (s instanceof Step.Exit e) {
                Proc p = procs.get(e.proc());
                p.exited = true;
                release(p);
            } else if (s instanceof Step.Exec e) {
                Proc p = procs.get(e.proc());
                p.execd = true;
                release(p);
            } else if (s instanceof Step.Repeat rep) {
                Step.Fork f = (Step.Fork) rep.steps().get(0);
                boolean exits = rep.steps().size() > 1;
                for (int i = 0; i < rep.times(); i++) {
                    String name = f.child().replace("{i}", String.valueOf(i));
                    Proc p = new Proc(name, f.proc(), false);
                    p.exited = exits;
                    procs.put(name, p);
                }
            }
        }

        void vforked(String parent, String child) {
            Proc c = new Proc(child, parent, false);
            c.vforkParent = parent;
            procs.put(child, c);
            procs.get(parent).vforkChild = child;
        }

        void release(Proc p) {
            if (p.vforkParent != null) {
                procs.get(p.vforkParent).vforkChild = null;
                p.vforkParent = null;
            }
        }

        String parentOf(String name) {
            Proc p = procs.get(name);
            return p == null || p.parent == null ? name : p.parent;
        }

        /** The model's state letter of each name (null: gone). */
        void refresh() {
            List<String> names = new ArrayList<>(procs.keySet());
            try {
                StepResult res = model.apply(observe(names, List.of("state")));
                Map<String, String> now = new HashMap<>();
                for (Observation o : res.observations()) now.put(o.subject(), o.value() == null ? null : o.value().toString());
                states = now;
            } catch (KernelException e) {
                states = new HashMap<>();
            }
        }

        String fresh(String prefix) {
            return prefix + (++counter);
        }

        /** A process that may act now (the parser's rules; the model decides the rest when the step is tried). */
        String actor() {
            return actorFor("any");
        }

        boolean mayAct(Proc p, String action) {
            if (p.exited || p.execd || p.vforkChild != null) return false;
            if (p.vforkParent != null && !action.equals("exit") && !action.equals("exec")) return false;
            String st = states.get(p.name);
            return st != null && (st.equals("R") || st.equals("S"));
        }

        String actorFor(String action) {
            List<String> can = new ArrayList<>();
            for (Proc p : procs.values()) {
                if (!mayAct(p, action)) continue;
                can.add(p.name);
                // a vfork child acts soon: its parent is held until it does
                if (p.vforkParent != null) can.add(p.name);
            }
            return can.isEmpty() ? null : can.get(r.nextInt(can.size()));
        }

        /** A signal's target, weighted to processes where signals are subtle: stopped, traced, suspended, zombie. */
        String target() {
            List<String> pool = new ArrayList<>();
            for (Proc p : procs.values()) {
                String st = states.get(p.name);
                int w = st == null ? 1 : switch (st) {
                    case "T", "t" -> 5;
                    case "D" -> 4;
                    case "Z" -> 2;
                    default -> 2;
                };
                if (p.name.equals("main")) w += 1;
                for (int i = 0; i < w; i++) pool.add(p.name);
            }
            return pool.isEmpty() ? null : pool.get(r.nextInt(pool.size()));
        }

        String anyName() {
            List<String> all = new ArrayList<>(procs.keySet());
            return all.get(r.nextInt(all.size()));
        }

        List<String> childrenOf(String a) {
            List<String> out = new ArrayList<>();
            for (Proc p : procs.values()) if (a.equals(p.parent) && !p.thread) out.add(p.name);
            return out;
        }

        @SafeVarargs
        final <T> T pick(T... xs) {
            return xs[r.nextInt(xs.length)];
        }
    }
}
