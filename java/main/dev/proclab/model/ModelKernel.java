package dev.proclab.model;

import dev.proclab.kernel.CloneFlags;
import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Iteration;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.PfFlags;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Signals;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.TaskView;
import dev.proclab.kernel.WaitStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference kernel: what "Linux Kernel Development" chapter 3 says the kernel does, as a small
 * simulated kernel. Every rule names, in a comment, the kernel function it mirrors; docs/model.md
 * lists them all with what the model leaves out. It never touches the operating system.
 */
public final class ModelKernel implements Kernel {
    // PF_* bits not named in PfFlags' constants
    static final int PF_IDLE = 0x2, PF_WQ_WORKER = 0x20, PF_NOFREEZE = 0x8000, PF_NO_SETAFFINITY = 0x4000000;
    static final int PF_EXITING = (int) PfFlags.EXITING, PF_FORKNOEXEC = (int) PfFlags.FORKNOEXEC,
            PF_SUPERPRIV = (int) PfFlags.SUPERPRIV, PF_SIGNALED = (int) PfFlags.SIGNALED,
            PF_KTHREAD = (int) PfFlags.KTHREAD, PF_RANDOMIZE = (int) PfFlags.RANDOMIZE,
            PF_NPROC_EXCEEDED = (int) PfFlags.NPROC_EXCEEDED;

    // wait options (include/uapi/linux/wait.h)
    static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WNOWAIT = 0x1000000, WCLONE = 0x80000000, WALL = 0x40000000;
    static final int PTRACE_EVENT_STOP = 128;
    static final long RLIM_INFINITY = -1;
    static final int NR_OPEN = 1048576;

    // slab caches the model keeps
    static final String[] CACHES = {"task_struct", "mm_struct", "signal_cache", "sighand_cache", "files_cache",
        "fs_cache", "vm_area_struct", "pid", "pid_2", "pid_3"};
    static final int C_TASK = 0, C_MM = 1, C_SIGNAL = 2, C_SIGHAND = 3, C_FILES = 4, C_FS = 5, C_VMA = 6, C_PID = 7;

    static final String[] RLIMITS = {"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS",
        "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"};

    private final ModelConfig cfg;
    private final Frames frames = new Frames();
    private final long[] slab = new long[CACHES.length];
    private final Map<String, long[]> slabLabels = new HashMap<>();
    private final HashMap<String, Task> names = new HashMap<>();
    private final java.util.PriorityQueue<Timer> timed = new java.util.PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));

    private record Timer(long at, Task task) {}
    private final ArrayList<Task> waiters = new ArrayList<>();
    private final ArrayList<long[]> kernelSignals = new ArrayList<>(); // {task index in list, sig}
    private final ArrayList<Task> kernelSignalTargets = new ArrayList<>();
    private final HashMap<Integer, int[]> nproc = new HashMap<>();
    private List<Event> events;

    private PidNs hostNs, labNs;
    private Task swapper, init, kthreadd, agent, main;
    private int nrThreads;
    private int tracedCount;
    private int cgroupCount;
    private Integer pidsMax;
    private long clock; // microseconds since begin
    private boolean begun;

    public ModelKernel() {
        this(ModelConfig.DEFAULT);
    }

    public ModelKernel(ModelConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public String name() {
        return "model";
    }

    public ModelConfig config() {
        return cfg;
    }

    /** The model's clock: microseconds of lab time since begin (advanced by pause and by waiting on busy processes). */
    public long clockMicros() {
        return clock;
    }

    // ------------------------------------------------------------------------------------------
    // the world

    @Override
    public void begin(Sandbox sandbox) throws KernelException {
        if (begun) throw new KernelException(KernelException.Kind.BAD_STEP, "begin called twice");
        if (sandbox == null) sandbox = Sandbox.NONE;
        if (sandbox.pidMax() != null && (sandbox.pidMax() < PidNs.RESERVED_PIDS + 1 || sandbox.pidMax() > ModelConfig.PID_MAX_LIMIT))
            throw new KernelException(KernelException.Kind.BAD_STEP, "pid_max must be in 301.." + ModelConfig.PID_MAX_LIMIT);
        if (sandbox.pidsMax() != null && sandbox.pidsMax() < 1)
            throw new KernelException(KernelException.Kind.BAD_STEP, "pids_max must be positive");
        begun = true;
        hostNs = new PidNs(null, cfg.hostPidMax());
        // init_task (swapper/0): static, pid 0 is init_struct_pid, never in the IDR, never in a slab
        swapper = new Task();
        swapper.comm = "swapper/0";
        swapper.nr = new int[] {0};
        swapper.ns = hostNs;
        swapper.flags = PF_KTHREAD | PF_IDLE;
        swapper.groupLeader = swapper;
        swapper.signal = new Sig();
        swapper.signal.nrThreads = 1;
        swapper.signal.live = 1;
        swapper.signal.nprocLimit = cfg.threadsMax() / 2; // fork_init: init_task's RLIMIT_NPROC = max_threads/2
        swapper.sighand = new Sighand();
        swapper.sighand.count = 1;
        swapper.files = new Ref();
        swapper.fs = new Ref();
        swapper.pgrp = swapper.session = swapper;
        swapper.pidRefs = 1 << 30;
        swapper.run = Task.RUNNING;
        swapper.exitSignal = Signals.SIGCHLD;
        swapper.prevTask = swapper.nextTask = swapper; // the circular task list starts at init_task
        nrThreads = 0;

        // rest_init: user_mode_thread(kernel_init) → pid 1, then kernel_thread(kthreadd) → pid 2
        init = must(copyProcess(swapper, 0, Signals.SIGCHLD, false));
        hostNs.childReaper = init;
        kthreadd = must(copyProcess(swapper, CloneFlags.FS | CloneFlags.FILES, Signals.SIGCHLD, false));
        kthreadd.comm = "kthreadd";
        kthreadd.flags = PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC;
        setsid(init);
        execImage(init, "init");
        init.flags |= PF_SUPERPRIV;
        init.signal.unkillable = true; // SIGNAL_UNKILLABLE for the global init
        // a few kernel threads, created by kthreadd (create_kthread → kernel_thread(CLONE_FS|CLONE_FILES))
        kthread("rcu_gp", PF_WQ_WORKER | PF_NO_SETAFFINITY, Task.KIDLE);
        kthread("kworker/0:0", PF_WQ_WORKER | PF_NO_SETAFFINITY, Task.KIDLE);
        kthread("kworker/0:0H", PF_WQ_WORKER | PF_NO_SETAFFINITY, Task.KIDLE);
        kthread("ksoftirqd/0", PF_NO_SETAFFINITY, Task.IDLE);
        kthread("migration/0", PF_NO_SETAFFINITY, Task.IDLE);
        kthread("rcu_preempt", 0, Task.KIDLE);
        // the JVM that runs proclab, then the agent it starts
        Task java = must(copyProcess(init, 0, Signals.SIGCHLD, false));
        setUidRaw(java, cfg.uid());
        execImage(java, "java");
        setsid(java);
        agent = must(copyProcess(java, 0, Signals.SIGCHLD, false));
        execImage(agent, "proclab-agent");
        setsid(agent); // the agent leads its own session and process group
        agent.signal.isChildSubreaper = true; // PR_SET_CHILD_SUBREAPER
        agent.run = Task.RUNNING;
        agent.name = "agent";
        names.put("agent", agent);
        pidsMax = sandbox.pidsMax();
        if (sandbox.pidNamespace()) {
            // (an unprivileged agent gets its namespace through a user namespace: no capability check here)
            if (agent.uid == 0) agent.flags |= PF_SUPERPRIV;
            main = must(copyProcess(agent, CloneFlags.NEWPID, Signals.SIGCHLD, true));
            labNs = main.ns;
            if (sandbox.pidMax() != null) labNs.pidMax = sandbox.pidMax();
            setsid(main);
        } else {
            labNs = hostNs; // pid_max without a namespace: the host's is never written, so it is ignored
            main = must(copyProcess(agent, 0, Signals.SIGCHLD, false));
        }
        // the agent starts main as `proclab-agent --lab` (fork, then execve of itself, for a small fresh
        // image): main has exec'd, so it has no PF_FORKNOEXEC; its own children will
        execImage(main, "proclab-agent");
        main.labTask = true;
        main.inCgroup = pidsMax != null;
        if (main.inCgroup) cgroupCount = 1;
        bind("main", main);
    }

    private void kthread(String comm, int extraFlags, byte run) {
        Task k = must(copyProcess(kthreadd, CloneFlags.FS | CloneFlags.FILES, Signals.SIGCHLD, false));
        k.comm = comm;
        k.flags = PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC | extraFlags;
        k.run = run;
    }

    private Task must(Object r) {
        if (r instanceof Task t) return t;
        throw new IllegalStateException("model world: copy_process failed: " + Errno.name((Integer) r));
    }

    private void requireBegun() throws KernelException {
        if (!begun) throw new KernelException(KernelException.Kind.BAD_STEP, "begin() first");
    }

    private void bind(String name, Task t) {
        t.name = name;
        names.put(name, t);
    }

    // ------------------------------------------------------------------------------------------
    // copy_process

    private int[] nprocOf(int uid) {
        return nproc.computeIfAbsent(uid, k -> new int[1]);
    }

    /** kernel/fork.c copy_process: returns the new Task, or an Integer errno. */
    private Object copyProcess(Task cur, long cf, int exitSignal, boolean trusted) {
        // the validity rules at the top of copy_process
        if ((cf & (CloneFlags.NEWNS | CloneFlags.FS)) == (CloneFlags.NEWNS | CloneFlags.FS)) return Errno.EINVAL;
        if ((cf & (CloneFlags.NEWUSER | CloneFlags.FS)) == (CloneFlags.NEWUSER | CloneFlags.FS)) return Errno.EINVAL;
        if ((cf & CloneFlags.THREAD) != 0 && (cf & CloneFlags.SIGHAND) == 0) return Errno.EINVAL;
        if ((cf & CloneFlags.SIGHAND) != 0 && (cf & CloneFlags.VM) == 0) return Errno.EINVAL;
        if ((cf & CloneFlags.PARENT) != 0 && cur.signal.unkillable) return Errno.EINVAL; // init may not CLONE_PARENT
        if ((cf & CloneFlags.THREAD) != 0 && (cf & (CloneFlags.NEWUSER | CloneFlags.NEWPID)) != 0) return Errno.EINVAL;
        // kernel_clone (legacy clone): CLONE_PIDFD and CLONE_PARENT_SETTID share one pointer
        if ((cf & CloneFlags.PIDFD) != 0 && (cf & CloneFlags.PARENT_SETTID) != 0) return Errno.EINVAL;
        boolean thread = (cf & CloneFlags.THREAD) != 0;

        // copy_creds + the RLIMIT_NPROC check (is_rlimit_overlimit; not for INIT_USER)
        int[] count = nprocOf(cur.uid);
        long lim = cur.signal.nprocLimit;
        if (cur.uid != 0 && lim != RLIM_INFINITY && count[0] + 1L > lim) return Errno.EAGAIN;
        cur.flags &= ~PF_NPROC_EXCEEDED;
        // data_race(nr_threads >= max_threads)
        if (nrThreads >= cfg.threadsMax()) return Errno.EAGAIN;
        // copy_namespaces: CLONE_NEW* (but NEWUSER) need CAP_SYS_ADMIN
        long nsFlags = CloneFlags.NEWNS | CloneFlags.NEWUTS | CloneFlags.NEWIPC | CloneFlags.NEWPID | CloneFlags.NEWNET | CloneFlags.NEWCGROUP;
        if ((cf & nsFlags) != 0 && !trusted) {
            if (cur.uid != 0) return Errno.EPERM;
            cur.flags |= PF_SUPERPRIV; // ns_capable succeeded
        }
        // alloc_pid: one number per level, innermost first
        PidNs ns = (cf & CloneFlags.NEWPID) != 0 ? new PidNs(cur.ns, cur.ns.pidMax) : cur.ns;
        if (!ns.adding) return Errno.ENOMEM;
        int[] nr = new int[ns.level + 1];
        for (PidNs n = ns; n != null; n = n.parent) {
            int v = n.alloc();
            if (v < 0) {
                for (PidNs m = ns; m != n; m = m.parent) m.free(nr[m.level]);
                return Errno.EAGAIN; // -ENOSPC becomes -EAGAIN
            }
            nr[n.level] = v;
        }
        // cgroup_can_fork → pids_can_fork
        boolean inCg = cur.inCgroup;
        if (inCg && pidsMax != null && cgroupCount >= pidsMax) {
            for (PidNs m = ns; m != null; m = m.parent) m.free(nr[m.level]);
            return Errno.EAGAIN;
        }

        Task c = new Task();
        c.comm = cur.comm;
        // dup_task_struct copies flags; copy_process clears these and marks PF_FORKNOEXEC
        c.flags = (cur.flags & ~(PF_SUPERPRIV | PF_WQ_WORKER | PF_IDLE | PF_NO_SETAFFINITY | PF_NPROC_EXCEEDED | PF_EXITING | PF_SIGNALED))
                | PF_FORKNOEXEC;
        c.uid = cur.uid;
        c.suid = cur.suid;
        c.ns = ns;
        c.nr = nr;
        c.labTask = cur.labTask;
        c.inCgroup = inCg;
        c.pidRefs = 1;
        c.run = Task.IDLE;
        slab[C_TASK]++;
        slab[pidCache(ns)]++;
        if (thread) {
            Task leader = cur.groupLeader;
            c.groupLeader = leader;
            c.signal = cur.signal;
            c.signal.nrThreads++;
            c.signal.live++;
            c.realParent = leader.realParent;
            c.exitSignal = -1;
            Task t = leader;
            while (t.nextThread != null) t = t.nextThread;
            t.nextThread = c;
        } else {
            c.groupLeader = c;
            Sig s = new Sig();
            s.nrThreads = 1;
            s.live = 1;
            s.nprocLimit = cur.signal.nprocLimit;
            if (cur.signal.rlim != null) s.rlim = cur.signal.rlim.clone();
            c.signal = s;
            slab[C_SIGNAL]++;
            if ((cf & CloneFlags.PARENT) != 0) {
                c.realParent = cur.realParent;
                c.exitSignal = cur.groupLeader.exitSignal;
            } else {
                c.realParent = cur;
                c.exitSignal = exitSignal;
            }
            linkChild(c.realParent, c);
            // list_add_tail_rcu(&p->tasks, &init_task.tasks)
            Task last = swapper.prevTask;
            last.nextTask = c;
            c.prevTask = last;
            c.nextTask = swapper;
            swapper.prevTask = c;
        }
        // copy_sighand
        if ((cf & CloneFlags.SIGHAND) != 0) {
            c.sighand = cur.sighand;
            c.sighand.count++;
        } else {
            c.sighand = new Sighand();
            c.sighand.count = 1;
            c.sighand.ignored = cur.sighand.ignored;
            slab[C_SIGHAND]++;
        }
        // copy_files, copy_fs
        if (cur.files != null) {
            if ((cf & CloneFlags.FILES) != 0) {
                c.files = cur.files;
                c.files.count++;
            } else {
                c.files = new Ref();
                slab[C_FILES]++;
            }
        }
        if (cur.fs != null) {
            if ((cf & CloneFlags.FS) != 0) {
                c.fs = cur.fs;
                c.fs.count++;
            } else {
                c.fs = new Ref();
                slab[C_FS]++;
            }
        }
        // copy_mm: kernel threads have none; CLONE_VM shares, else dup_mmap
        if (cur.mm != null) {
            if ((cf & CloneFlags.VM) != 0) {
                c.mm = cur.mm;
                c.mm.users++;
            } else {
                c.mm = dupMm(cur.mm);
            }
        }
        c.pgrp = cur.pgrp;
        c.pgrp.pidRefs++;
        c.session = cur.session;
        c.session.pidRefs++;
        for (PidNs n = ns; n != null; n = n.parent) n.attach(nr[n.level], c);
        if ((cf & CloneFlags.NEWPID) != 0) {
            ns.childReaper = c;
            c.signal.unkillable = true;
        }
        nrThreads++;
        count[0]++;
        if (inCg) cgroupCount++;
        if ((cf & CloneFlags.VFORK) != 0) {
            cur.run = Task.VFORK;
            cur.vforkChild = c;
            c.vforkParent = cur;
        }
        return c;
    }

    private static int pidCache(PidNs ns) {
        return C_PID + Math.min(ns.level, 2);
    }

    private static void linkChild(Task parent, Task c) {
        c.nextSibling = null;
        c.prevSibling = parent.lastChild;
        if (parent.lastChild != null) parent.lastChild.nextSibling = c;
        else parent.firstChild = c;
        parent.lastChild = c;
    }

    private static void unlinkChild(Task parent, Task c) {
        if (c.prevSibling != null) c.prevSibling.nextSibling = c.nextSibling;
        else parent.firstChild = c.nextSibling;
        if (c.nextSibling != null) c.nextSibling.prevSibling = c.prevSibling;
        else parent.lastChild = c.prevSibling;
        c.prevSibling = c.nextSibling = null;
    }

    /** dup_mmap + copy_page_range: VMAs copied, anon pages shared and write-protected in both. */
    private Mm dupMm(Mm old) {
        Mm m = new Mm();
        m.imageVmas = old.imageVmas;
        int n = old.nRegions;
        if (n > m.regionNames.length) {
            m.regionNames = new String[n];
            m.ptes = new int[n][];
        }
        for (int r = 0; r < n; r++) {
            int[] src = old.ptes[r];
            int[] dst = new int[src.length];
            for (int i = 0; i < src.length; i++) {
                int pte = src[i];
                if (pte >= 2) {
                    frames.get(pte >>> 1);
                    pte &= ~1;
                    src[i] = pte;
                }
                dst[i] = pte;
            }
            m.regionNames[r] = old.regionNames[r];
            m.ptes[r] = dst;
        }
        m.nRegions = n;
        if (old.nVars > 0) {
            m.varNames = old.varNames.clone();
            m.varVals = old.varVals.clone();
            m.nVars = old.nVars;
        }
        slab[C_MM]++;
        slab[C_VMA] += m.vmaCount();
        return m;
    }

    /** A fresh mm for a new image (exec_mmap): the image's VMAs and the page of the lab's variables. */
    private Mm newImageMm(boolean agentImage) {
        Mm m = new Mm();
        m.imageVmas = cfg.imageVmas();
        m.addRegion("", 1);
        if (agentImage) m.ptes[0][0] = frames.alloc() << 1 | 1;
        slab[C_MM]++;
        slab[C_VMA] += m.vmaCount();
        return m;
    }

    /** mmput → exit_mmap: when the last user goes, its pages and VMAs are freed. */
    private void mmput(Mm m) {
        if (--m.users > 0) return;
        for (int r = 0; r < m.nRegions; r++) {
            int[] p = m.ptes[r];
            for (int pte : p) if (pte >= 2) frames.put(pte >>> 1);
        }
        slab[C_MM]--;
        slab[C_VMA] -= m.vmaCount();
    }

    private void setsid(Task t) {
        putPid(t.pgrp);
        putPid(t.session);
        t.pgrp = t;
        t.session = t;
        t.pidRefs += 2;
    }

    private void setUidRaw(Task t, int uid) {
        nprocOf(t.uid)[0]--;
        nprocOf(uid)[0]++;
        t.uid = t.suid = uid;
    }

    /** begin_new_exec + load_elf_binary, for the world's own programs. */
    private void execImage(Task t, String comm) {
        if (t.mm != null) {
            mmput(t.mm);
        }
        t.mm = newImageMm(true);
        t.comm = comm;
        t.flags = (t.flags & ~(PF_RANDOMIZE | PF_FORKNOEXEC | PF_NOFREEZE | PF_NO_SETAFFINITY | PF_KTHREAD | PF_IDLE)) | PF_RANDOMIZE;
    }

    // ------------------------------------------------------------------------------------------
    // steps

    /** Control flow for a step that cannot be taken: a lab error, or a process that would never answer. */
    private static final class StepError extends RuntimeException {
        final boolean timeout;

        StepError(boolean timeout, String message) {
            super(message, null, false, false);
            this.timeout = timeout;
        }
    }

    @Override
    public StepResult apply(Step step) throws KernelException {
        requireBegun();
        events = null;
        try {
            if (step instanceof Step.Observe o) return observe(o);
            int err;
            if (step instanceof Step.Repeat r) err = repeat(r);
            else err = doStep(step);
            List<Event> ev = events == null ? List.of() : List.copyOf(events);
            if (err == 0 && ev.isEmpty()) return StepResult.OK;
            return new StepResult(err == 0 ? null : Errno.name(err), List.of(), ev);
        } catch (StepError e) {
            if (e.timeout) {
                event(step.proc(), "timeout", e.getMessage());
                return new StepResult(null, List.of(), List.copyOf(events));
            }
            throw new KernelException(KernelException.Kind.BAD_STEP, step.pos() + ": " + step.action() + ": " + e.getMessage());
        }
    }

    static final int MAX_EVENTS = 10_000;

    private void event(String proc, String kind, String text) {
        if (events == null) events = new ArrayList<>();
        if (events.size() < MAX_EVENTS) events.add(new Event(proc, kind, text));
        else if (events.size() == MAX_EVENTS) events.add(new Event(null, "note", "more events left out"));
    }

    /** repeat: the loop runs here; {i} is the innermost iteration; failures are counted, not fatal. */
    private int repeat(Step.Repeat r) {
        List<Step> body = r.steps();
        int n = body.size();
        boolean[] subst = new boolean[n];
        for (int k = 0; k < n; k++) subst[k] = !(body.get(k) instanceof Step.Repeat) && mentionsI(body.get(k));
        int last = 0;
        for (int i = 0; i < r.times(); i++) {
            for (int k = 0; k < n; k++) {
                Step s = body.get(k);
                if (subst[k]) s = Iteration.withIndex(s, i);
                int e;
                try {
                    e = s instanceof Step.Repeat inner ? repeat(inner) : s instanceof Step.Observe ? 0 : doStep(s);
                } catch (StepError ex) {
                    e = ex.timeout ? 110 /* ETIMEDOUT */ : Errno.ESRCH;
                }
                if (e != 0) last = e;
            }
        }
        return last;
    }

    private static boolean has(String s) {
        return s != null && s.contains("{i}");
    }

    private static boolean mentionsI(Step s) {
        if (has(s.proc())) return true;
        if (s instanceof Step.Fork f) return has(f.child());
        if (s instanceof Step.VFork f) return has(f.child());
        if (s instanceof Step.Clone f) return has(f.child());
        if (s instanceof Step.Signal f) return has(f.to());
        if (s instanceof Step.Wait f) return has(f.target());
        if (s instanceof Step.Ptrace f) return has(f.target());
        return false;
    }

    /** The named process, which must exist (bound by an earlier step). */
    private Task lookup(String name) {
        Task t = names.get(name);
        if (t == null) throw new StepError(false, "no process named " + name);
        return t;
    }

    /** The process that performs a step: it must be a lab process able to run its command loop. */
    private Task actor(String name, boolean vforkChildOk) {
        Task t = lookup(name);
        if (t == agent) throw new StepError(false, "the agent takes no steps");
        if (!t.labTask) throw new StepError(false, name + " is not a lab process");
        if (t.exitState != Task.ALIVE) throw new StepError(false, name + " has exited");
        if (t.execd) throw new StepError(false, name + " has exec'd another program");
        if (t.vforkParent != null && !vforkChildOk) throw new StepError(false, name + " is a vfork child: only exit or exec");
        // the agent waits for a busy process to come back to its command loop: so does the model's clock
        if ((t.run == Task.HOLD || t.run == Task.SPIN) && t.busyUntil > clock && !t.stopped && !t.traceStopped) advance(t.busyUntil);
        if (t.exitState != Task.ALIVE) throw new StepError(false, name + " has exited");
        if (t.traceStopped) throw new StepError(true, name + " is stopped by ptrace (t) and takes no step");
        if (t.run == Task.VFORK) throw new StepError(true, name + " is blocked in vfork (D) until its child execs or exits");
        if (t.stopped) throw new StepError(true, name + " is stopped (T) and takes no step");
        if (t.run == Task.BLOCK) throw new StepError(true, name + " is blocked in pause() until a signal");
        if (t.run == Task.WAIT) throw new StepError(true, name + " is blocked in waitpid()");
        return t;
    }

    private int doStep(Step s) {
        if (s instanceof Step.Pause p) {
            advance(clock + p.duration().micros());
            return 0;
        }
        int err;
        Task who;
        if (s instanceof Step.Signal sg) {
            who = sg.proc() == null ? null : actor(sg.proc(), false);
            err = kill(who, lookup(sg.to()), sg.sig());
        } else if (s instanceof Step.Fork f) {
            who = actor(f.proc(), false);
            err = spawn(who, f.child(), 0, Signals.SIGCHLD);
        } else if (s instanceof Step.VFork f) {
            who = actor(f.proc(), false);
            err = spawn(who, f.child(), CloneFlags.VFORK | CloneFlags.VM, Signals.SIGCHLD);
        } else if (s instanceof Step.Clone f) {
            who = actor(f.proc(), false);
            long cf;
            try {
                cf = CloneFlags.mask(f.flags());
            } catch (IllegalArgumentException e) {
                throw new StepError(false, e.getMessage());
            }
            int sig;
            if (f.signal() == null || f.signal().equals("-")) sig = Signals.SIGCHLD;
            else if (f.signal().equals("0") || f.signal().equalsIgnoreCase("none")) sig = 0;
            else {
                sig = Signals.number(f.signal());
                if (sig <= 0) throw new StepError(false, "unknown signal " + f.signal());
            }
            if ((cf & CloneFlags.THREAD) != 0) sig = -1; // threads have no exit signal
            err = spawn(who, f.child(), cf, sig);
        } else if (s instanceof Step.Exec e) {
            who = actor(e.proc(), true);
            err = exec(who, e.argv());
        } else if (s instanceof Step.Exit e) {
            who = actor(e.proc(), true);
            doExit(who, WaitStatus.exited(e.code()));
            err = 0;
        } else if (s instanceof Step.Wait w) {
            who = actor(w.proc(), false);
            err = waitStep(who, w.target(), w.options());
        } else {
            who = actor(s.proc(), false);
            err = simpleStep(who, s);
        }
        if (who != null) who.errno = err;
        flushKernelSignals();
        if (!waiters.isEmpty()) recheckWaiters();
        return err;
    }

    private int simpleStep(Task p, Step s) {
        if (s instanceof Step.Hold h) {
            p.run = Task.HOLD;
            p.busyUntil = clock + h.duration().micros();
            timed.add(new Timer(p.busyUntil, p));
        } else if (s instanceof Step.Spin h) {
            p.run = Task.SPIN;
            p.busyUntil = clock + h.duration().micros();
            timed.add(new Timer(p.busyUntil, p));
        } else if (s instanceof Step.Block) {
            p.run = Task.BLOCK; // pause(): only a handled signal would end it, and the lab installs none
        } else if (s instanceof Step.SetVar v) {
            writeVar(p, v.var(), v.value(), false);
        } else if (s instanceof Step.AddVar v) {
            writeVar(p, v.var(), v.value(), true);
        } else if (s instanceof Step.MapRegion m) {
            if (m.pages() <= 0) return Errno.EINVAL;
            if (p.mm.region(m.region()) >= 0) throw new StepError(false, "region " + m.region() + " is already mapped");
            p.mm.addRegion(m.region(), m.pages()); // do_mmap: one anonymous private VMA
            slab[C_VMA]++;
        } else if (s instanceof Step.Touch t) {
            touch(p, t.region(), t.pages(), t.write());
        } else if (s instanceof Step.Subreaper) {
            p.signal.isChildSubreaper = true; // prctl(PR_SET_CHILD_SUBREAPER)
        } else if (s instanceof Step.Ignore ig) {
            int sig = Signals.number(ig.sig());
            // do_sigaction: SIGKILL and SIGSTOP cannot be ignored
            if (sig <= 0 || sig > 64 || sig == Signals.SIGKILL || sig == Signals.SIGSTOP) return Errno.EINVAL;
            p.sighand.ignored |= 1L << sig;
            p.signal.pending &= ~(1L << sig);
        } else if (s instanceof Step.SetUid u) {
            return setuid(p, u.uid());
        } else if (s instanceof Step.Rlimit r) {
            return setrlimit(p, r.resource(), r.value());
        } else if (s instanceof Step.Ptrace pt) {
            return ptrace(p, lookup(pt.target()));
        } else {
            throw new StepError(false, "unknown step " + s.action());
        }
        return 0;
    }

    private int spawn(Task parent, String child, long cf, int sig) {
        Task old = names.get(child);
        if (old != null && old.exitState != Task.DEAD) throw new StepError(false, "name " + child + " is already bound");
        Object r = copyProcess(parent, cf, sig, false);
        if (r instanceof Integer e) return e;
        bind(child, (Task) r);
        return 0;
    }

    // ------------------------------------------------------------------------------------------
    // memory

    /** The lab's variables live in one page of the agent's data: writing one is a write to that page. */
    private void writeVar(Task p, String var, long value, boolean add) {
        Mm m = p.mm;
        writeFault(p, m.ptes[0], 0);
        int i = m.var(var);
        long v = add ? (i < 0 ? 0 : m.varVals[i]) + value : value;
        m.setVar(var, v);
    }

    private void touch(Task p, String region, PageRange range, boolean write) {
        Mm m = p.mm;
        int r = m.region(region);
        if (r < 0) throw new StepError(false, "no region " + region + " in " + p.name);
        int[] pte = m.ptes[r];
        int end = range.end(pte.length);
        for (int i = range.start(); i < end; i++) {
            if (write) writeFault(p, pte, i);
            else if (pte[i] == Mm.PTE_NONE) {
                // do_anonymous_page, read: map the shared zero page (a minor fault)
                pte[i] = Mm.PTE_ZERO;
                p.minflt++;
            }
        }
    }

    /** handle_mm_fault for a write: do_anonymous_page, or do_wp_page (reuse when only we map it, else wp_page_copy). */
    private void writeFault(Task p, int[] pte, int i) {
        int e = pte[i];
        if (e >= 2 && (e & 1) != 0) return; // present and writable: no fault
        p.minflt++;
        if (e == Mm.PTE_NONE || e == Mm.PTE_ZERO) {
            pte[i] = frames.alloc() << 1 | 1;
            return;
        }
        int f = e >>> 1;
        if (frames.mapcount[f] == 1) {
            pte[i] = e | 1; // wp_page_reuse
        } else {
            frames.put(f);
            pte[i] = frames.alloc() << 1 | 1; // wp_page_copy
        }
    }

    // ------------------------------------------------------------------------------------------
    // exec

    /** do_execveat_common → begin_new_exec (de_thread, exec_mmap, unshare sighand/files, comm, flags). */
    private int exec(Task p, List<String> argv) {
        if (argv == null || argv.isEmpty() || argv.get(0).isEmpty()) return 14; // EFAULT: no filename
        // do_execveat_common: PF_NPROC_EXCEEDED left by set_user, still over the limit → EAGAIN
        if ((p.flags & PF_NPROC_EXCEEDED) != 0 && p.uid != 0 && p.signal.nprocLimit != RLIM_INFINITY
                && nprocOf(p.uid)[0] > p.signal.nprocLimit) return Errno.EAGAIN;
        p.flags &= ~PF_NPROC_EXCEEDED;
        // de_thread: the other threads die; a non-leader takes over the leader's pid
        deThread(p);
        // exec_mmap: the old mm is dropped, and with it the vfork parent is released (mm_release)
        Mm old = p.mm;
        p.mm = newImageMm(false);
        if (old != null) mmput(old);
        releaseVfork(p);
        // unshare_sighand: a table shared with another process is copied; handlers reset, SIG_IGN kept
        if (p.sighand.count > 1) {
            Sighand n = new Sighand();
            n.count = 1;
            n.ignored = p.sighand.ignored;
            p.sighand.count--;
            p.sighand = n;
            slab[C_SIGHAND]++;
        }
        // unshare_files
        if (p.files != null && p.files.count > 1) {
            p.files.count--;
            p.files = new Ref();
            slab[C_FILES]++;
        }
        // __set_task_comm(kbasename(filename)), TASK_COMM_LEN 16
        String path = argv.get(0);
        String base = path.substring(path.lastIndexOf('/') + 1);
        p.comm = base.length() > 15 ? base.substring(0, 15) : base;
        p.flags = (p.flags & ~(PF_RANDOMIZE | PF_FORKNOEXEC | PF_NOFREEZE | PF_NO_SETAFFINITY)) | PF_RANDOMIZE;
        p.execd = true;
        runProgram(p, base, argv);
        return 0;
    }

    /**
     * What an exec'd program does (the model's rule, see docs/model.md): sleep N sleeps N seconds of
     * lab time then exits 0; false exits 1; sh -c "exit N" exits N; sh -c "sleep N" sleeps; any other
     * program runs to completion at once and exits 0.
     */
    private void runProgram(Task p, String base, List<String> argv) {
        if ((base.equals("sh") || base.equals("bash") || base.equals("dash")) && argv.size() >= 3 && argv.get(1).equals("-c")) {
            String[] w = argv.get(2).trim().split("\\s+");
            if (w.length == 2 && w[0].equals("exit")) {
                try {
                    doExit(p, WaitStatus.exited(Integer.parseInt(w[1])));
                    return;
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            if (w.length >= 1 && w[0].equals("sleep")) {
                base = "sleep";
                argv = List.of(w);
            }
        }
        if (base.equals("sleep")) {
            long us = argv.size() > 1 ? parseSleep(argv.get(1)) : -1;
            if (us >= 0) {
                p.run = Task.PROG_SLEEP;
                p.busyUntil = clock + us;
                timed.add(new Timer(p.busyUntil, p));
                return;
            }
            doExit(p, WaitStatus.exited(1)); // sleep: missing operand
            return;
        }
        if (base.equals("pause") || base.equals("cat") && argv.size() == 1) {
            p.run = Task.BLOCK;
            return;
        }
        doExit(p, WaitStatus.exited(base.equals("false") ? 1 : 0));
    }

    private static long parseSleep(String s) {
        try {
            double mult = 1_000_000;
            char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            if (last == 's' || last == 'm' || last == 'h' || last == 'd') {
                mult *= last == 'm' ? 60 : last == 'h' ? 3600 : last == 'd' ? 86400 : 1;
                s = s.substring(0, s.length() - 1);
            }
            double v = Double.parseDouble(s);
            return v < 0 ? -1 : (long) (v * mult);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void deThread(Task p) {
        Task leader = p.groupLeader;
        if (p.signal.nrThreads == 1) return;
        // zap_other_threads: every other thread gets SIGKILL and is released at its exit
        for (Task t = leader; t != null; ) {
            Task next = t.nextThread;
            if (t != p && t.exitState == Task.ALIVE) doExit(t, WaitStatus.killed(Signals.SIGKILL));
            t = next;
        }
        if (leader == p) return;
        // exchange_tids / transfer_pid: p becomes the leader with the leader's pid; the old leader is released
        int[] pnr = p.nr;
        p.nr = leader.nr;
        leader.nr = pnr;
        for (PidNs n = p.ns; n != null; n = n.parent) {
            n.attach(p.nr[n.level], p);
            n.attach(leader.nr[n.level], leader);
        }
        Task parent = leader.realParent;
        // p takes the leader's place among its parent's children and in the task list
        p.prevSibling = leader.prevSibling;
        p.nextSibling = leader.nextSibling;
        if (p.prevSibling != null) p.prevSibling.nextSibling = p;
        else parent.firstChild = p;
        if (p.nextSibling != null) p.nextSibling.prevSibling = p;
        else parent.lastChild = p;
        leader.prevSibling = leader.nextSibling = null;
        p.prevTask = leader.prevTask;
        p.nextTask = leader.nextTask;
        p.prevTask.nextTask = p;
        p.nextTask.prevTask = p;
        leader.prevTask = leader.nextTask = null;
        // the thread list now starts at p
        Task t = leader;
        while (t.nextThread != p) t = t.nextThread;
        t.nextThread = p.nextThread;
        p.nextThread = leader.nextThread == p ? null : leader.nextThread;
        leader.nextThread = null;
        p.groupLeader = p;
        for (Task u = p.nextThread; u != null; u = u.nextThread) u.groupLeader = p;
        leader.groupLeader = p;
        p.exitSignal = Signals.SIGCHLD;
        p.realParent = parent;
        // the old leader (a zombie since zap) goes without a notification
        leader.exitSignal = -1;
        releaseTask(leader, false);
    }

    // ------------------------------------------------------------------------------------------
    // exit

    /** do_exit for one task (SYS_exit); {@code code} is already the wait status (exit code << 8, or the signal). */
    private void doExit(Task t, int code) {
        if (t.exitState != Task.ALIVE) return;
        t.flags |= PF_EXITING; // exit_signals
        Sig s = t.signal;
        s.live--;
        t.stopped = false;
        t.traceStopped = false;
        if (t.run == Task.WAIT) waiters.remove(t);
        t.run = Task.IDLE;
        if (t.ptracer != null) untrace(t); // __ptrace_unlink (the model lets the real parent see the exit)
        exitPtrace(t);
        // exit_mm, exit_files, exit_fs
        if (t.mm != null) {
            Mm m = t.mm;
            t.mm = null;
            mmput(m);
        }
        releaseVfork(t); // mm_release → complete_vfork_done
        if (t.files != null && --t.files.count == 0) slab[C_FILES]--;
        t.files = null;
        if (t.fs != null && --t.fs.count == 0) slab[C_FS]--;
        t.fs = null;
        if (t.vforkChild != null) { // a vfork parent killed in D: the child goes on
            t.vforkChild.vforkParent = null;
            t.vforkChild = null;
        }
        t.exitCode = code;
        // exit_notify → forget_original_parent
        forgetOriginalParent(t);
        t.exitState = Task.ZOMBIE;
        if (t.isLeader()) {
            // a leader with live threads stays a zombie unreported (delay_group_leader)
            if (s.nrThreads == 1 && notifyParent(t, t.exitSignal)) releaseTask(t, true);
        } else {
            releaseTask(t, true); // threads are autoreaped (exit_signal -1)
        }
    }

    /** find_child_reaper + find_new_reaper + reparent_leader. */
    private void forgetOriginalParent(Task father) {
        PidNs ns = father.ns;
        Task childReaper = ns.childReaper;
        if (childReaper == father) {
            Task alive = findAliveThread(father);
            if (alive != null) {
                ns.childReaper = alive;
                childReaper = alive;
            } else {
                zapPidNs(ns, father);
                childReaper = father;
            }
        }
        if (father.firstChild == null) return;
        Task reaper = findNewReaper(father, childReaper);
        if (reaper == father) {
            // a dying namespace init keeps what zap_pid_ns_processes left: zombies are reaped
            for (Task c = father.firstChild; c != null; ) {
                Task next = c.nextSibling;
                if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1) releaseTask(c, true);
                c = next;
            }
            return;
        }
        boolean sameGroup = reaper.signal == father.signal;
        for (Task c = father.firstChild; c != null; ) {
            Task next = c.nextSibling;
            for (Task t = c; t != null; t = t.nextThread) t.realParent = reaper;
            unlinkChild(father, c);
            linkChild(reaper, c); // list_splice_tail_init: appended in order
            if (!sameGroup && c.exitState != Task.DEAD) {
                c.exitSignal = Signals.SIGCHLD; // "We don't want people slaying init"
                if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1 && c.ptracer == null && notifyParent(c, c.exitSignal))
                    releaseTask(c, true);
            }
            c = next;
        }
    }

    private static Task findAliveThread(Task p) {
        for (Task t = p.groupLeader; t != null; t = t.nextThread) if ((t.flags & PF_EXITING) == 0) return t;
        return null;
    }

    /** find_new_reaper: a live thread of the group, else the nearest subreaper ancestor in the namespace, else its init. */
    private Task findNewReaper(Task father, Task childReaper) {
        Task th = findAliveThread(father);
        if (th != null) return th;
        int level = father.ns.level;
        for (Task r = father.realParent; r != null && r.ns.level == level; r = r.realParent) {
            if (r == swapper) break;
            if (!r.signal.isChildSubreaper) continue;
            th = findAliveThread(r);
            if (th != null) return th;
        }
        return childReaper;
    }

    /** zap_pid_ns_processes: the namespace's init is gone, so is everyone in it. */
    private void zapPidNs(PidNs ns, Task init) {
        ns.adding = false; // disable_pid_allocation
        init.sighand.ignored |= 1L << Signals.SIGCHLD; // so the kernel reaps every child
        List<Task> in = new ArrayList<>();
        for (Task t = swapper.nextTask; t != swapper; t = t.nextTask)
            if (t.signal != init.signal && t.ns.level >= ns.level && t.ns.at(ns.level) == ns) in.add(t);
        for (Task t : in) if (t.signal.live > 0) groupExit(t, Signals.SIGKILL);
        // kernel_wait4 loop: init reaps what is left among its children
        for (Task c = init.firstChild; c != null; ) {
            Task next = c.nextSibling;
            if (c.exitState == Task.ZOMBIE && c.signal.nrThreads == 1) releaseTask(c, true);
            c = next;
        }
    }

    /** do_notify_parent: signal the parent; true when the child is to be autoreaped (SIGCHLD ignored). */
    private boolean notifyParent(Task t, int sig) {
        Task parent = t.parent(); // tsk->parent: the tracer while traced
        boolean autoreap = false;
        if (sig == Signals.SIGCHLD && parent.sighand.ignores(Signals.SIGCHLD)) {
            autoreap = true;
            sig = 0;
        }
        if (sig > 0 && sig != Signals.SIGCHLD) queueKernelSignal(parent, sig);
        return autoreap;
    }

    private void queueKernelSignal(Task t, int sig) {
        kernelSignalTargets.add(t);
        kernelSignals.add(new long[] {sig});
    }

    private void flushKernelSignals() {
        for (int i = 0; i < kernelSignalTargets.size(); i++) {
            Task t = kernelSignalTargets.get(i);
            signalGroup(t, (int) kernelSignals.get(i)[0], true);
        }
        kernelSignalTargets.clear();
        kernelSignals.clear();
    }

    /** release_task: the task is gone; the last thread of a zombie leader's group lets it be reported. */
    private void releaseTask(Task p, boolean notifyLeader) {
        if (p.exitState == Task.DEAD) return;
        if (p.exitState == Task.ALIVE) throw new IllegalStateException("release of a live task");
        nprocOf(p.uid)[0]--;
        if (p.inCgroup) cgroupCount--;
        nrThreads--;
        Sig s = p.signal;
        s.nrThreads--;
        Task leader = p.groupLeader;
        if (p == leader) {
            unlinkChild(p.realParent, p);
            p.prevTask.nextTask = p.nextTask;
            p.nextTask.prevTask = p.prevTask;
            p.prevTask = p.nextTask = null;
        } else {
            s.minfltDead += p.minflt;
            Task t = leader;
            while (t != null && t.nextThread != p) t = t.nextThread;
            if (t != null) t.nextThread = p.nextThread;
            p.nextThread = null;
        }
        if (--p.sighand.count == 0) slab[C_SIGHAND]--; // __cleanup_sighand
        if (s.nrThreads == 0) slab[C_SIGNAL]--; // free_signal_struct
        p.exitState = Task.DEAD;
        slab[C_TASK]--;
        for (PidNs n = p.ns; n != null; n = n.parent) if (n.find(p.nr[n.level]) == p) n.detach(p.nr[n.level]);
        putPid(p);
        putPid(p.pgrp);
        putPid(p.session);
        if (notifyLeader && leader != p && leader.exitState == Task.ZOMBIE && s.nrThreads == 1) {
            if (notifyParent(leader, leader.exitSignal)) releaseTask(leader, true);
        }
    }

    /** put_pid/free_pid: a pid number is free once no task uses it as pid, pgid or sid. */
    private void putPid(Task t) {
        if (--t.pidRefs != 0) return;
        for (PidNs n = t.ns; n != null; n = n.parent) n.free(t.nr[n.level]);
        slab[pidCache(t.ns)]--;
    }

    private void releaseVfork(Task child) {
        Task parent = child.vforkParent;
        if (parent == null) return;
        child.vforkParent = null;
        if (parent.vforkChild == child) {
            parent.vforkChild = null;
            if (parent.run == Task.VFORK) parent.run = Task.IDLE;
            event(parent.name, "resumed", child.name);
        }
    }

    // ------------------------------------------------------------------------------------------
    // signals

    private int kill(Task sender, Task target, String sigName) {
        int sig = Signals.number(sigName);
        if (sig < 0 || sig > 64) return Errno.EINVAL;
        if (target.exitState == Task.DEAD) return Errno.ESRCH;
        if (sender != null) {
            // the target must be visible in the sender's pid namespace
            if (!visible(target, sender.ns)) return Errno.ESRCH;
            // kill_ok_by_cred, else CAP_KILL
            if (sender.uid != target.uid && sender.uid != target.suid && sender.suid != target.uid && sender.suid != target.suid) {
                if (sender.uid != 0) return Errno.EPERM;
                sender.flags |= PF_SUPERPRIV;
            }
        }
        if (sig == 0) return 0;
        // from a pid namespace's ancestor, SIGKILL and SIGSTOP reach its init (sig_task_ignored's force)
        Task from = sender == null ? agent : sender; // a signal without a sender comes from the agent
        boolean force = !visible(from, target.ns);
        signalGroup(target, sig, force);
        flushKernelSignals();
        return 0;
    }

    /**
     * send_signal_locked → prepare_signal + complete_signal, for the default dispositions of the
     * lab (the agent installs no handlers): stop, continue, ignore, or the whole group dies.
     */
    private void signalGroup(Task t, int sig, boolean force) {
        Sig s = t.signal;
        if (s.live == 0) return; // a zombie: nothing to do
        boolean ignored = t.sighand.ignores(sig);
        // sig_task_ignored: an unkillable init takes only SIGKILL/SIGSTOP, and only from an ancestor namespace
        if (s.unkillable && !ignored && !(force && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP))) return;
        if (sig == Signals.SIGKILL) {
            groupExit(t, Signals.SIGKILL);
            return;
        }
        if (sig == Signals.SIGCONT) {
            doContinue(t); // prepare_signal: SIGCONT resumes even when ignored
            return;
        }
        if (isStopSignal(sig)) {
            s.pending &= ~(1L << Signals.SIGCONT);
            if (ignored) return;
            // do_signal_stop: SIGTSTP/SIGTTIN/SIGTTOU are discarded in an orphaned process group
            if (sig != Signals.SIGSTOP && orphanedPgrp(t.groupLeader)) return;
            if (traced(t)) return; // the tracer sees it; the model keeps it pending
            doStop(t, sig);
            return;
        }
        if (ignored || isDefaultIgnored(sig)) return;
        if (traced(t)) {
            s.pending |= 1L << sig; // a tracee reports signals to its tracer first
            return;
        }
        if (s.stopSig != 0) {
            // complete_signal: no stopped thread wants_signal() but SIGKILL; it stays pending until SIGCONT
            s.pending |= 1L << sig;
            return;
        }
        groupExit(t, sig);
    }

    private boolean traced(Task t) {
        if (tracedCount == 0) return false;
        for (Task u = t.groupLeader; u != null; u = u.nextThread) if (u.ptracer != null) return true;
        return false;
    }

    static boolean isStopSignal(int sig) {
        return sig == Signals.SIGSTOP || sig == 20 || sig == 21 || sig == 22;
    }

    static boolean isDefaultIgnored(int sig) {
        return sig == Signals.SIGCHLD || sig == Signals.SIGCONT || sig == 23 /* SIGURG */ || sig == 28 /* SIGWINCH */ || sig >= 32;
    }

    /** do_group_exit via a fatal signal: every thread exits with the signal (no core dump in the model). */
    private void groupExit(Task t, int sig) {
        Sig s = t.signal;
        s.groupExit = true;
        s.groupExitCode = WaitStatus.killed(sig);
        s.stopSig = 0;
        s.pending = 0;
        Task leader = t.groupLeader;
        // other threads first; the leader last, so that it is reported at once
        for (Task u = leader.nextThread; u != null; ) {
            Task next = u.nextThread;
            if (u.exitState == Task.ALIVE) {
                u.flags |= PF_SIGNALED;
                doExit(u, WaitStatus.killed(sig));
            }
            u = next;
        }
        if (leader.exitState == Task.ALIVE) {
            leader.flags |= PF_SIGNALED;
            doExit(leader, WaitStatus.killed(sig));
        }
    }

    /** do_signal_stop: every thread stops (T); the parent may collect it with WUNTRACED. */
    private void doStop(Task t, int sig) {
        Sig s = t.signal;
        if (s.stopSig != 0) return;
        s.stopSig = sig;
        s.stopNotify = true;
        s.contNotify = false;
        for (Task u = t.groupLeader; u != null; u = u.nextThread) if (u.exitState == Task.ALIVE) u.stopped = true;
    }

    private void doContinue(Task t) {
        Sig s = t.signal;
        if (s.stopSig == 0) return;
        s.stopSig = 0;
        s.stopNotify = false;
        s.contNotify = true; // SIGNAL_CLD_CONTINUED
        for (Task u = t.groupLeader; u != null; u = u.nextThread) {
            u.stopped = false;
            if (u.run == Task.PROG_SLEEP && u.busyUntil <= clock) doExit(u, WaitStatus.exited(0));
            else if ((u.run == Task.HOLD || u.run == Task.SPIN) && u.busyUntil <= clock) u.run = Task.IDLE;
        }
        if (s.pending != 0 && s.live > 0) {
            int sig = Long.numberOfTrailingZeros(s.pending);
            s.pending = 0;
            groupExit(t, sig);
        }
    }

    /** will_become_orphaned_pgrp(pgrp, NULL): no member has a parent in another pgrp of the same session. */
    private boolean orphanedPgrp(Task leader) {
        Task pgrp = leader.pgrp;
        for (Task p = swapper.nextTask; p != swapper; p = p.nextTask) {
            if (p.pgrp != pgrp) continue;
            if (p.exitState != Task.ALIVE && p.signal.nrThreads == 1) continue;
            Task par = p.realParent.groupLeader;
            if (par == init) continue;
            if (par.pgrp != pgrp && par.session == p.session) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // ptrace

    /** ptrace_attach (PTRACE_SEIZE) + PTRACE_INTERRUPT: the target stops in t. */
    private int ptrace(Task tracer, Task target) {
        if (target.exitState == Task.DEAD || !visible(target, tracer.ns)) return Errno.ESRCH;
        if ((target.flags & PF_KTHREAD) != 0) return Errno.EPERM;
        if (target.signal == tracer.signal) return Errno.EPERM; // same_thread_group
        if (target.exitState != Task.ALIVE) return Errno.EPERM;
        if (target.ptracer != null) return Errno.EPERM;
        // __ptrace_may_access: same uids, else CAP_SYS_PTRACE
        boolean needCap = tracer.uid != target.uid || tracer.uid != target.suid;
        // yama_ptrace_access_check: scope 1 lets only ancestors attach without CAP_SYS_PTRACE
        if (cfg.yamaScope() >= 3) return Errno.EPERM;
        if (cfg.yamaScope() == 2 || cfg.yamaScope() == 1 && !isDescendant(target, tracer)) needCap = true;
        if (needCap) {
            if (tracer.uid != 0) return Errno.EPERM;
            tracer.flags |= PF_SUPERPRIV;
        }
        target.ptracer = tracer;
        tracer.tracees++;
        tracedCount++;
        target.traceStopped = true;
        target.ptraceCode = Signals.SIGTRAP | PTRACE_EVENT_STOP << 8;
        return 0;
    }

    private boolean isDescendant(Task t, Task ancestor) {
        for (Task w = t; w != null && w != swapper; w = w.realParent) if (w.signal == ancestor.signal) return true;
        return false;
    }

    private void untrace(Task t) {
        t.ptracer.tracees--;
        tracedCount--;
        t.ptracer = null;
        t.traceStopped = false;
        t.ptraceCode = 0;
        if (t.signal.stopSig != 0 && t.exitState == Task.ALIVE) t.stopped = true;
    }

    /** exit_ptrace: a tracer's tracees are detached and run again. */
    private void exitPtrace(Task tracer) {
        if (tracer.tracees == 0) return;
        for (Task p = swapper.nextTask; p != swapper; p = p.nextTask)
            for (Task u = p; u != null; u = u.nextThread) if (u.ptracer == tracer) untrace(u);
    }

    // ------------------------------------------------------------------------------------------
    // wait

    private int waitStep(Task w, String target, List<String> options) {
        int opts = 0;
        for (String o : options == null ? List.<String>of() : options) {
            switch (o) {
                case "WNOHANG" -> opts |= WNOHANG;
                case "WUNTRACED" -> opts |= WUNTRACED;
                case "WCONTINUED" -> opts |= WCONTINUED;
                case "WNOWAIT" -> opts |= WNOWAIT;
                case "__WALL" -> opts |= WALL;
                case "__WCLONE" -> opts |= WCLONE;
                default -> throw new StepError(false, "unknown wait option " + o);
            }
        }
        boolean any = target == null || target.equals("any");
        Task t = any ? null : lookup(target);
        int r = tryWait(w, t, any, opts);
        if (r == 0) return 0;
        if (r == -2) {
            w.waitValid = false;
            return Errno.ECHILD;
        }
        if ((opts & WNOHANG) != 0) {
            w.waitValid = true;
            w.waitTask = null;
            w.waitStatus = 0;
            return 0;
        }
        // blocks in do_wait until a child changes state
        w.run = Task.WAIT;
        w.waitTarget = t;
        w.waitAny = any;
        w.waitOpts = opts;
        waiters.add(w);
        throw new StepError(true, w.name + " blocks in waitpid(): no child has changed state");
    }

    /** do_wait over the children (and tracees) of every thread of the group: 0 done, -1 none ready, -2 ECHILD. */
    private int tryWait(Task w, Task target, boolean any, int opts) {
        boolean eligible = false;
        for (Task th = w.groupLeader; th != null; th = th.nextThread) {
            for (Task c = th.firstChild; c != null; c = c.nextSibling) {
                if (!any && c != target) continue;
                // eligible_child: a "clone" child (exit signal not SIGCHLD) only with __WCLONE or __WALL
                boolean clone = c.exitSignal != Signals.SIGCHLD;
                if (clone != ((opts & WCLONE) != 0) && (opts & WALL) == 0) continue;
                eligible = true;
                if (considerTask(w, c, opts)) return 0;
            }
        }
        // ptrace_entry: tracees are waited for by their tracer
        if (tracedCount > 0) for (Task p = swapper.nextTask; p != swapper; p = p.nextTask) {
            for (Task u = p; u != null; u = u.nextThread) {
                if (u.ptracer == null || u.ptracer.signal != w.signal || u.realParent.signal == w.signal) continue;
                if (!any && u != target) continue;
                eligible = true;
                if (u.traceStopped && u.ptraceCode != 0) {
                    record(w, u, u.ptraceCode << 8 | 0x7f);
                    if ((opts & WNOWAIT) == 0) u.ptraceCode = 0;
                    return 0;
                }
            }
        }
        return eligible ? -1 : -2;
    }

    /** wait_consider_task: wait_task_zombie, wait_task_stopped, wait_task_continued. */
    private boolean considerTask(Task w, Task c, int opts) {
        if (c.exitState == Task.ZOMBIE) {
            if (c.signal.nrThreads > 1) return false; // delay_group_leader
            int status = c.signal.groupExit ? c.signal.groupExitCode : c.exitCode;
            record(w, c, status);
            if ((opts & WNOWAIT) == 0) releaseTask(c, true);
            return true;
        }
        if (c.ptracer != null && c.ptracer.signal == w.signal && c.traceStopped && c.ptraceCode != 0) {
            record(w, c, c.ptraceCode << 8 | 0x7f);
            if ((opts & WNOWAIT) == 0) c.ptraceCode = 0;
            return true;
        }
        Sig s = c.signal;
        if ((opts & WUNTRACED) != 0 && s.stopSig != 0 && s.stopNotify) {
            record(w, c, WaitStatus.stoppedBy(s.stopSig));
            if ((opts & WNOWAIT) == 0) s.stopNotify = false;
            return true;
        }
        if ((opts & WCONTINUED) != 0 && s.contNotify) {
            record(w, c, WaitStatus.CONTINUED);
            if ((opts & WNOWAIT) == 0) s.contNotify = false;
            return true;
        }
        return false;
    }

    private static void record(Task w, Task c, int status) {
        w.waitValid = true;
        w.waitTask = c;
        w.waitStatus = status;
    }

    private void recheckWaiters() {
        for (int i = 0; i < waiters.size(); i++) {
            Task w = waiters.get(i);
            if (w.exitState != Task.ALIVE || w.run != Task.WAIT) {
                waiters.remove(i--);
                continue;
            }
            int r = tryWait(w, w.waitTarget, w.waitAny, w.waitOpts);
            if (r == -1) continue;
            waiters.remove(i--);
            w.run = Task.IDLE;
            if (r == -2) {
                w.waitValid = false;
                w.errno = Errno.ECHILD;
                event(w.name, "resumed", "waitpid returned ECHILD");
            } else {
                w.errno = 0;
                event(w.name, "resumed", "waitpid returned " + w.waitStatus);
            }
            flushKernelSignals();
            i = -1; // a reap may wake another waiter
        }
    }

    // ------------------------------------------------------------------------------------------
    // credentials and limits

    /** __sys_setuid + set_user/flag_nproc_exceeded. */
    private int setuid(Task p, int uid) {
        if (uid < 0) return Errno.EINVAL;
        if (p.uid == 0) {
            p.flags |= PF_SUPERPRIV; // ns_capable_setid(CAP_SETUID)
            if (uid != p.uid) {
                int[] cnt = nprocOf(uid);
                long lim = p.signal.nprocLimit;
                if (uid != 0 && lim != RLIM_INFINITY && cnt[0] > lim) p.flags |= PF_NPROC_EXCEEDED;
                else p.flags &= ~PF_NPROC_EXCEEDED;
                setUidRaw(p, uid);
            }
            return 0;
        }
        if (uid == p.uid || uid == p.suid) return 0; // only the effective uid changes
        return Errno.EPERM;
    }

    /** do_prlimit: soft and hard set together; raising the hard limit needs CAP_SYS_RESOURCE. */
    private int setrlimit(Task p, String resource, long value) {
        String r = resource.startsWith("RLIMIT_") ? resource.substring(7) : resource;
        int idx = -1;
        for (int i = 0; i < RLIMITS.length; i++) if (RLIMITS[i].equals(r)) idx = i;
        if (idx < 0) return Errno.EINVAL;
        long v = value < 0 ? RLIM_INFINITY : value;
        if (idx == 7 && (v == RLIM_INFINITY || v > NR_OPEN)) return Errno.EPERM; // RLIMIT_NOFILE above nr_open
        long oldHard = idx == 6 ? p.signal.nprocLimit : p.signal.rlim == null ? RLIM_INFINITY : p.signal.rlim[idx];
        boolean raise = oldHard != RLIM_INFINITY && (v == RLIM_INFINITY || v > oldHard);
        if (raise) {
            if (p.uid != 0) return Errno.EPERM;
            p.flags |= PF_SUPERPRIV;
        }
        if (idx == 6) p.signal.nprocLimit = v;
        else {
            if (p.signal.rlim == null) {
                p.signal.rlim = new long[RLIMITS.length];
                java.util.Arrays.fill(p.signal.rlim, RLIM_INFINITY);
                p.signal.rlim[7] = 4096;
            }
            p.signal.rlim[idx] = v;
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------
    // time

    /** The lab's clock moves: holds and spins end, sleeping programs exit. */
    private void advance(long to) {
        while (!timed.isEmpty() && timed.peek().at() <= to) {
            Timer tm = timed.poll();
            Task next = tm.task();
            clock = Math.max(clock, tm.at());
            if (next.exitState != Task.ALIVE || next.busyUntil != tm.at()) continue; // gone, or a later hold replaced it
            if (next.run == Task.PROG_SLEEP) {
                if (!next.stopped && !next.traceStopped) doExit(next, WaitStatus.exited(0));
            } else if (next.run == Task.HOLD || next.run == Task.SPIN) {
                next.run = Task.IDLE;
            }
        }
        clock = Math.max(clock, to);
        flushKernelSignals();
        if (!waiters.isEmpty()) recheckWaiters();
    }

    // ------------------------------------------------------------------------------------------
    // observe

    private StepResult observe(Step.Observe o) {
        List<Observation> out = new ArrayList<>();
        List<String> fields = o.fields() == null ? List.of() : o.fields();
        if (o.procs() != null) {
            for (String n : o.procs()) {
                Task t = names.get(n);
                for (String f : fields) out.add(procField(n, t, f, true));
            }
        }
        if (o.hostPid() != null) {
            String subj = "pid " + o.hostPid();
            Task t = hostNs.find(o.hostPid());
            for (String f : fields) out.add(procField(subj, t, f, false));
        }
        if (o.system() != null) {
            for (String f : o.system()) out.add(systemField(f));
        }
        if (o.slab() != null && !o.slab().isEmpty()) {
            long[] since = null;
            if (o.since() != null) {
                since = slabLabels.get(o.since());
            }
            for (String cache : o.slab()) {
                int c = cacheIndex(cache);
                for (String f : Fields.slabFields(o)) {
                    String field = cache + "." + f;
                    if (c < 0) out.add(Observation.skip("slab", field, "the model keeps no slab cache " + cache));
                    else if (o.since() != null && since == null) out.add(Observation.skip("slab", field, "no slab reading labelled " + o.since()));
                    else {
                        long v = slabField(c, f, slab[c]);
                        if (since != null) v -= slabField(c, f, since[c]);
                        out.add(Observation.of("slab", field, v));
                    }
                }
            }
        }
        if (o.label() != null) slabLabels.put(o.label(), slab.clone());
        return StepResult.observed(out);
    }

    private static int cacheIndex(String name) {
        for (int i = 0; i < CACHES.length; i++) if (CACHES[i].equals(name)) return i;
        return -1;
    }

    private long slabField(int c, String f, long active) {
        SlabGeometry g = cfg.slabs().get(CACHES[c]);
        return switch (f) {
            case "active_objs" -> active;
            case "num_objs" -> (active + g.objperslab() - 1) / g.objperslab() * g.objperslab();
            case "objsize" -> g.objsize();
            case "objperslab" -> g.objperslab();
            case "pagesperslab" -> g.pagesperslab();
            default -> 0;
        };
    }

    private Observation systemField(String f) {
        PidNs ns = labNs;
        return switch (f) {
            case "pid_max" -> Observation.of("system", f, (long) ns.pidMax);
            case "ns_last_pid" -> Observation.of("system", f, (long) ns.lastPid());
            case "threads_max" -> Observation.of("system", f, (long) cfg.threadsMax());
            default -> Observation.skip("system", f, "unknown system field " + f);
        };
    }

    private static boolean visible(Task t, PidNs view) {
        return t.ns.level >= view.level && t.ns.at(view.level) == view;
    }

    /** A pid-valued field: the lab name where the process has one, its number in {@code view} otherwise, 0 when outside. */
    private Object pidRef(Task t, PidNs view) {
        if (t == null || !visible(t, view)) return 0L;
        if (t.name != null) return t.name;
        return (long) t.nr[view.level];
    }

    private Observation procField(String subj, Task t, String f, boolean lab) {
        if (!Fields.isProcessField(f)) return Observation.skip(subj, f, "unknown field " + f);
        if (lab && (f.equals("errno") || f.equals("wait"))) {
            if (t == null) return Observation.of(subj, f, null);
            if (f.equals("errno")) return Observation.of(subj, f, t.errno == 0 ? null : Errno.name(t.errno));
            if (!t.waitValid) return Observation.of(subj, f, null);
            Object pid = t.waitTask == null ? (Object) 0L : pidRef(t.waitTask, t.ns);
            return Observation.of(subj, f, WaitStatus.decode(pid, t.waitStatus));
        }
        boolean exists = t != null && t.exitState != Task.DEAD && (lab || t.nr[0] != 0);
        if (f.equals("exists")) return Observation.of(subj, f, exists);
        if (!exists) return Observation.of(subj, f, null);
        PidNs view = lab ? t.ns : hostNs; // a lab process as its namespace sees it; "pid N" as the host sees it
        Object v;
        switch (f) {
            case "pid" -> v = (long) t.nr[view.level];
            case "ppid" -> v = t.realParent == null ? 0L : pidRef(t.realParent.groupLeader, view);
            case "tgid" -> v = pidRef(t.groupLeader, view);
            case "pgid" -> v = pidRef(t.groupLeader.pgrp, view);
            case "sid" -> v = pidRef(t.groupLeader.session, view);
            case "state" -> v = String.valueOf(state(t));
            case "comm" -> v = t.comm;
            case "threads" -> v = (long) t.signal.nrThreads;
            case "flags" -> v = PfFlags.names(t.flags & 0xffffffffL);
            case "kthread" -> v = (t.flags & PF_KTHREAD) != 0;
            case "children" -> {
                List<Object> l = new ArrayList<>();
                for (Task c = t.firstChild; c != null; c = c.nextSibling) l.add(pidRef(c, view));
                v = l;
            }
            case "minflt" -> {
                long sum = t.signal.minfltDead;
                for (Task u = t.groupLeader; u != null; u = u.nextThread) sum += u.minflt;
                v = sum;
            }
            case "majflt" -> v = 0L;
            case "rss_anon_kb" -> v = t.mm == null ? null : rssAnonKb(t.mm);
            case "wait", "errno" -> v = null;
            default -> {
                if (f.startsWith("flags.")) {
                    long bit = PfFlags.bit(f.substring(6));
                    if (bit == 0) return Observation.skip(subj, f, "no flag " + f.substring(6));
                    v = (t.flags & bit) != 0;
                } else if (f.startsWith("var.")) {
                    v = null;
                    if (lab && t.mm != null && t.exitState == Task.ALIVE && !t.execd) {
                        int i = t.mm.var(f.substring(4));
                        if (i >= 0) v = t.mm.varVals[i];
                    }
                } else if (f.startsWith("frames.")) {
                    v = null;
                    if (lab && t.mm != null && t.exitState == Task.ALIVE && !t.execd) v = framesOf(t.mm, f.substring(7));
                } else {
                    return Observation.skip(subj, f, "unknown field " + f);
                }
            }
        }
        return Observation.of(subj, f, v);
    }

    private char state(Task t) {
        if (t.exitState == Task.ZOMBIE) return 'Z';
        if (t.exitState == Task.DEAD) return 'X';
        if (t.run == Task.VFORK) return 'D';
        if (t.traceStopped) return 't';
        if (t.stopped) return 'T';
        return switch (t.run) {
            case Task.SPIN, Task.RUNNING -> 'R';
            case Task.KIDLE -> 'I';
            default -> 'S';
        };
    }

    private long rssAnonKb(Mm m) {
        long n = 0;
        for (int r = 0; r < m.nRegions; r++) for (int pte : m.ptes[r]) if (pte >= 2) n++;
        return n * 4;
    }

    /** frames.REGION as pagemap + kpagecount show it: the zero page is present, neither exclusive nor shared. */
    private Map<String, Object> framesOf(Mm m, String region) {
        int r = m.region(region);
        if (r < 0) return null;
        int[] p = m.ptes[r];
        long present = 0, shared = 0, exclusive = 0;
        for (int pte : p) {
            if (pte == Mm.PTE_NONE) continue;
            present++;
            if (pte == Mm.PTE_ZERO) continue;
            int mc = frames.mapcount[pte >>> 1];
            if (mc > 1) shared++;
            else exclusive++;
        }
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("pages", (long) p.length);
        v.put("present", present);
        v.put("shared", shared);
        v.put("exclusive", exclusive);
        return v;
    }

    // ------------------------------------------------------------------------------------------
    // the picture and the end

    @Override
    public List<TaskView> tasks() {
        List<TaskView> out = new ArrayList<>();
        if (!begun) return out;
        for (Task p = swapper.nextTask; p != swapper; p = p.nextTask) {
            for (Task u = p; u != null; u = u.nextThread) {
                if (!u.labTask && !(u == agent && labNs == hostNs)) continue;
                PidNs view = u.ns;
                Object parent = u.realParent == null ? 0L : pidRef(u.realParent.groupLeader, view);
                String name = u.name != null ? u.name : String.valueOf(u.nr[view.level]);
                out.add(new TaskView(name, u.nr[view.level], String.valueOf(parent), String.valueOf(state(u)), u.signal.nrThreads));
            }
        }
        return out;
    }

    @Override
    public void close() {
        // the agent kills and reaps every lab process: in the model, they are simply forgotten
        begun = false;
        names.clear();
        timed.clear();
        waiters.clear();
    }

    // ------------------------------------------------------------------------------------------
    // for tests and benchmarks

    /** The number of a named process in the namespace it lives in (or -1). */
    public long pidOf(String name) {
        Task t = names.get(name);
        return t == null ? -1 : t.nr[t.ns.level];
    }

    /** Frames in use by every mm of the model (for tests of COW bookkeeping). */
    public long framesInUse() {
        return frames.inUse;
    }

    /** Tasks not yet released, kernel threads and the host world included (nr_threads). */
    public int nrThreads() {
        return nrThreads;
    }

    /** for_each_process: the leaders from init_task's list, as (host pid, comm). */
    public List<String> processList() {
        List<String> out = new ArrayList<>();
        for (Task p = swapper.nextTask; p != swapper; p = p.nextTask) out.add(p.nr[0] + " " + p.comm);
        return out;
    }
}
