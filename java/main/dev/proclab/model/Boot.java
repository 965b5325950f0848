package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.CloneFlags;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Signals;

/**
 * init/main.c's rest_init, for the model: the world a lab starts in (swapper, init, kthreadd and a few
 * kernel threads, the JVM, the agent, and main), built with the same copy_process and exec as everything else.
 */
final class Boot {
    private final World w;

    Boot(World w) {
        this.w = w;
    }

    private long defaultLimit(int r, boolean soft) {
        return switch (r) {
            case Sig.NPROC -> w.cfg.threadsMax() / 2;
            case Sig.CORE -> soft ? 0 : RLIM_INFINITY;
            case Sig.NOFILE -> soft ? 1024 : 4096;
            default -> RLIM_INFINITY;
        };
    }

    /** The world of a lab: what the real machine has before the lab's first step. */
    void begin(Sandbox sandbox) throws KernelException {
        if (w.begun) throw new KernelException(KernelException.Kind.BAD_STEP, "begin called twice");
        if (sandbox == null) sandbox = Sandbox.NONE;
        if (sandbox.pidMax() != null && (sandbox.pidMax() < PidNs.RESERVED_PIDS + 1 || sandbox.pidMax() > ModelConfig.PID_MAX_LIMIT))
            throw new KernelException(KernelException.Kind.BAD_STEP, "pid_max must be in 301.." + ModelConfig.PID_MAX_LIMIT);
        if (sandbox.pidsMax() != null && sandbox.pidsMax() < 1)
            throw new KernelException(KernelException.Kind.BAD_STEP, "pids_max must be positive");
        w.begun = true;
        w.hostNs = new PidNs(null, w.cfg.hostPidMax());
        // init_task (swapper/0): static, pid 0 is init_struct_pid, never in the IDR, never in a slab
        w.swapper = new Task();
        w.swapper.comm = "swapper/0";
        w.swapper.nr = new int[] {0};
        w.swapper.ns = w.hostNs;
        w.swapper.flags = PF_KTHREAD | PF_IDLE;
        w.swapper.groupLeader = w.swapper;
        w.swapper.signal = new Sig();
        w.swapper.signal.nrThreads = 1;
        w.swapper.signal.live = 1;
        // the limits the lab starts with are the machine's (the JVM's, which the agent and main inherit);
        // without them, init_task's: RLIMIT_NPROC = max_threads/2 (fork_init), core 0, 1024 files
        w.swapper.signal.rlim = new long[RLIMITS.length];
        w.swapper.signal.rlimMax = new long[RLIMITS.length];
        for (int r = 0; r < RLIMITS.length; r++) {
            long[] sh = w.cfg.rlimits().get(RLIMITS[r]);
            w.swapper.signal.rlim[r] = sh != null ? sh[0] : defaultLimit(r, true);
            w.swapper.signal.rlimMax[r] = sh != null ? sh[1] : defaultLimit(r, false);
        }
        w.swapper.sighand = new Sighand();
        w.swapper.sighand.count = 1;
        w.swapper.files = new Ref();
        w.swapper.fs = new Ref();
        w.swapper.pgrp = w.swapper.session = w.swapper;
        w.swapper.pidRefs = 1 << 30;
        w.swapper.run = Task.RUNNING;
        w.swapper.exitSignal = Signals.SIGCHLD;
        w.swapper.prevTask = w.swapper.nextTask = w.swapper; // the circular task list starts at init_task
        w.nrThreads = 0;

        // rest_init: user_mode_thread(kernel_init) → pid 1, then kernel_thread(kthreadd) → pid 2
        w.init = w.must(w.fork.copyProcess(w.swapper, 0, Signals.SIGCHLD, false));
        w.hostNs.childReaper = w.init;
        w.kthreadd = w.must(w.fork.copyProcess(w.swapper, CloneFlags.FS | CloneFlags.FILES, Signals.SIGCHLD, false));
        w.kthreadd.comm = "kthreadd";
        w.kthreadd.flags = PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC;
        w.sys.setsid(w.init);
        w.exec.execImage(w.init, "init");
        w.init.flags |= PF_SUPERPRIV;
        w.init.signal.unkillable = true; // SIGNAL_UNKILLABLE for the global init
        // a few kernel threads, created by kthreadd (create_kthread → kernel_thread(CLONE_FS|CLONE_FILES))
        kthread("rcu_gp", PF_WQ_WORKER | PF_NO_SETAFFINITY, Task.KIDLE);
        kthread("kworker/0:0", PF_WQ_WORKER | PF_NO_SETAFFINITY, Task.KIDLE);
        kthread("kworker/0:0H", PF_WQ_WORKER | PF_NO_SETAFFINITY, Task.KIDLE);
        kthread("ksoftirqd/0", PF_NO_SETAFFINITY, Task.IDLE);
        kthread("migration/0", PF_NO_SETAFFINITY, Task.IDLE);
        kthread("rcu_preempt", 0, Task.KIDLE);
        // the JVM that runs proclab, then the agent it starts
        Task java = w.must(w.fork.copyProcess(w.init, 0, Signals.SIGCHLD, false));
        w.sys.setUidRaw(java, w.cfg.uid());
        w.exec.execImage(java, "java");
        w.sys.setsid(java);
        w.agent = w.must(w.fork.copyProcess(java, 0, Signals.SIGCHLD, false));
        w.exec.execImage(w.agent, "proclab-agent");
        w.sys.setsid(w.agent); // the agent leads its own session and process group
        w.agent.signal.isChildSubreaper = true; // PR_SET_CHILD_SUBREAPER
        w.agent.run = Task.RUNNING;
        w.agent.name = "agent";
        w.names.put("agent", w.agent);
        w.pidsMax = sandbox.pidsMax();
        if (sandbox.pidNamespace()) {
            // (an unprivileged agent gets its namespace through a user namespace: no capability check here)
            if (w.agent.uid == 0) w.agent.flags |= PF_SUPERPRIV;
            w.main = w.must(w.fork.copyProcess(w.agent, CloneFlags.NEWPID, Signals.SIGCHLD, true));

            w.labNs = w.main.ns;
            if (sandbox.pidMax() != null) {
                // main writes /proc/sys/kernel/pid_max from inside: ns_capable(CAP_SYS_ADMIN) succeeds
                w.labNs.pidMax = sandbox.pidMax();
                w.main.flags |= PF_SUPERPRIV;
            }
            w.sys.setsid(w.main);
        } else {
            w.labNs = w.hostNs; // pid_max without a namespace: the host's is never written, so it is ignored
            w.main = w.must(w.fork.copyProcess(w.agent, 0, Signals.SIGCHLD, false));
        }
        // not root, a pid namespace comes inside a user namespace of the lab's own (the agent asks for it)
        if (sandbox.userNamespace() || sandbox.pidNamespace() && w.cfg.uid() != 0) {
            w.main.inUserNs = true;
            w.main.userNs = new UserNs(UserNs.INIT, w.cfg.uid());
            if (w.cfg.uid() == 0) {
                w.main.mappedUid = ALL_UIDS; // root maps every uid to itself: main stays root, setuid works
            } else {
                w.main.mappedUid = 0; // the agent's uid is 0 there: main is root there, and nowhere else
                w.sys.setUidRaw(w.main, 0);
            }
        }
        // the agent starts main as `proclab-agent --lab` (fork, then execve of itself, for a small fresh
        // image): main has exec'd, so it has no PF_FORKNOEXEC; its own children will
        w.exec.execImage(w.main, "proclab-agent");
        // the agent catches SIGHUP, SIGINT and SIGTERM (its end; a SIGHUP from the kernel, when its group,
        // the lab's first, becomes orphaned with a stopped member, it lets pass); main exec'd: it has none
        w.agent.sighand.handled = 1L << 1 | 1L << 2 | 1L << 15;
        w.main.labTask = true;
        w.main.inCgroup = w.pidsMax != null;
        if (w.main.inCgroup) w.cgroupCount = 1;
        w.bind("main", w.main);
    }

    void kthread(String comm, int extraFlags, byte run) {
        Task k = w.must(w.fork.copyProcess(w.kthreadd, CloneFlags.FS | CloneFlags.FILES, Signals.SIGCHLD, false));
        k.comm = comm;
        k.flags = PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC | extraFlags;
        k.run = run;
    }
}
