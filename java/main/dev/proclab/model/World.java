package dev.proclab.model;

import dev.proclab.kernel.Errno;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.PfFlags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The model kernel's global state, as the kernel keeps it in globals: the task list (from
 * init_task), the pid namespaces, nr_threads, the slab counters, the page frames, the lab's names
 * for its tasks and the lab's clock. Each concern works on it from a file named like the kernel's
 * own (Fork for kernel/fork.c, Exit for kernel/exit.c, ...), reached through the fields below.
 */
final class World {
    // PF_* bits not named in PfFlags' constants
    static final int PF_IDLE = 0x2, PF_POSTCOREDUMP = 0x8, PF_DUMPCORE = 0x200, PF_WQ_WORKER = 0x20, PF_NOFREEZE = 0x8000, PF_NO_SETAFFINITY = 0x4000000;
    static final int PF_EXITING = (int) PfFlags.EXITING, PF_FORKNOEXEC = (int) PfFlags.FORKNOEXEC,
            PF_SUPERPRIV = (int) PfFlags.SUPERPRIV, PF_SIGNALED = (int) PfFlags.SIGNALED,
            PF_KTHREAD = (int) PfFlags.KTHREAD, PF_RANDOMIZE = (int) PfFlags.RANDOMIZE,
            PF_NPROC_EXCEEDED = (int) PfFlags.NPROC_EXCEEDED;

    // wait options (include/uapi/linux/wait.h)
    static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WNOWAIT = 0x1000000, WCLONE = 0x80000000, WALL = 0x40000000, WNOTHREAD = 0x20000000;
    static final int PTRACE_EVENT_STOP = 128;
    static final long RLIM_INFINITY = -1;
    static final int NR_OPEN = 1048576;
    static final int OVERFLOW_UID = 65534; // what an unmapped id reads as (/proc/sys/kernel/overflowuid)
    static final int ALL_UIDS = -2;        // a user namespace that maps every uid to itself

    // slab caches the model keeps
    static final String[] CACHES = {"task_struct", "mm_struct", "signal_cache", "sighand_cache", "files_cache",
        "fs_cache", "vm_area_struct", "pid", "pid_2", "pid_3"};
    static final int C_TASK = 0, C_MM = 1, C_SIGNAL = 2, C_SIGHAND = 3, C_FILES = 4, C_FS = 5, C_VMA = 6, C_PID = 7;

    static final String[] RLIMITS = {"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS",
        "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"};

    static final int MAX_EVENTS = 10_000;

    /** A task whose hold, spin or program's sleep ends at {@code at} (lab clock, us). */
    record Timer(long at, Task task) {}

    final ModelConfig cfg;
    final Frames frames = new Frames();
    final long[] slab = new long[CACHES.length];
    final Map<String, long[]> slabLabels = new HashMap<>();
    final HashMap<String, Task> names = new HashMap<>();
    final PriorityQueue<Timer> timed = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    final ArrayList<Task> waiters = new ArrayList<>();
    final ArrayList<Task> returnedInStep = new ArrayList<>(); // waits that returned during this step
    final ArrayList<Task> execBlocked = new ArrayList<>(); // execs waiting in de_thread (Task.EXEC)
    final ArrayList<Task> zapping = new ArrayList<>();   // namespace inits whose exit waits for their namespace to empty (Task.ZAP)
    final ArrayList<Task> attachers = new ArrayList<>();   // PTRACE_SEIZEs waiting for an exec's cred_guard_mutex (Task.ATTACH)
    // where the kernel may choose: the ways to take (replayed), and how many ways each choice had
    List<Integer> forcedWays = List.of();
    final ArrayList<Integer> choiceArities = new ArrayList<>();
    final ArrayList<String> choiceNames = new ArrayList<>();
    final ArrayList<List<String>> choiceWays = new ArrayList<>();
    // signals the kernel sends while a step runs (an exit signal), delivered when the step is done
    final ArrayList<long[]> kernelSignals = new ArrayList<>(); // {sig}
    final ArrayList<Task> kernelSignalTargets = new ArrayList<>();
    // kernel uid → its tasks, threads and zombies included (ucounts' RLIMIT_NPROC count): a task of a
    // child user namespace keeps its creator's kuid and counts there too (inc_rlimit_ucounts' walk up)
    final HashMap<Integer, int[]> nproc = new HashMap<>();
    List<Event> events;

    PidNs hostNs, labNs;
    Task swapper, init, kthreadd, agent, main;
    int nrThreads;
    int tracedCount;
    long attachCounter;
    int cgroupCount;
    Integer pidsMax;
    long clock; // microseconds since begin
    boolean begun;

    // the kernel's source files
    final Boot boot = new Boot(this);
    final Steps steps = new Steps(this);
    final Fork fork = new Fork(this);
    final Memory memory = new Memory(this);
    final Exec exec = new Exec(this);
    final Programs programs = new Programs(this);
    final Exit exit = new Exit(this);
    final Signal signal = new Signal(this);
    final Ptrace ptrace = new Ptrace(this);
    final Pid pid = new Pid(this);
    final Sys sys = new Sys(this);
    final Time time = new Time(this);
    final ProcFs procfs = new ProcFs(this);
    final Wchan wchan = new Wchan(this);
    final Trace trace = new Trace(this);
    final Layout layout;
    final Map<String, long[]> systemLabels = new HashMap<>();
    final Map<String, List<String>> systemLabelFields = new HashMap<>();

    World(ModelConfig cfg) {
        this.cfg = cfg;
        this.layout = new Layout(cfg.layout());
    }

    Task must(Object r) {
        if (r instanceof Task t) return t;
        throw new IllegalStateException("model world: copy_process failed: " + Errno.name((Integer) r));
    }

    void bind(String name, Task t) {
        t.name = name;
        names.put(name, t);
    }

    int[] nprocOf(int uid) {
        return nproc.computeIfAbsent(uid, k -> new int[1]);
    }

    void event(String proc, String kind, String text) {
        if (events == null) events = new ArrayList<>();
        if (events.size() < MAX_EVENTS) events.add(new Event(proc, kind, text));
        else if (events.size() == MAX_EVENTS) events.add(new Event(null, "note", "more events left out"));
    }

    /**
     * A point where the real kernel may go {@code n} ways: the model goes the way it is told to
     * (when replaying another history) or the first, and remembers that there was a choice.
     */
    int choose(String what, List<String> ways) {
        int n = ways.size();
        int i = choiceArities.size();
        choiceArities.add(n);
        choiceNames.add(what);
        choiceWays.add(List.copyOf(ways));
        int way = i < forcedWays.size() ? forcedWays.get(i) : 0;
        return way >= 0 && way < n ? way : 0;
    }
}
