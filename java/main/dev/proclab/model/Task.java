package dev.proclab.model;

/**
 * task_struct, kept small: ints, a few references, no collections. Children and siblings are
 * intrusive links as in the kernel's list_head; so are the task list (leaders, from init_task)
 * and the thread list of a group.
 */
final class Task {
    // run modes: what the task is doing when not stopped and not exited
    static final byte IDLE = 0, HOLD = 1, BLOCK = 2, SPIN = 3, WAIT = 4, VFORK = 5, PROG_SLEEP = 6, RUNNING = 7, KIDLE = 8,
            EXEC = 9, // in execve, de_thread waiting for the group's other threads to be released (D)
            ATTACH = 10, // in ptrace(PTRACE_SEIZE), waiting for the target's cred_guard_mutex (an exec holds it)
            ZAP = 11; // in do_exit, a namespace's init: zap_pid_ns_processes waits for a zombie traced from outside (S)
    static final byte ALIVE = 0, ZOMBIE = 1, DEAD = 2;

    String name;
    String comm;
    /** pid numbers per namespace level, nr[0] is the host pid. */
    int[] nr;
    PidNs ns;
    int flags;
    int uid, suid;         // as its own user namespace sees them
    int kuid, ksuid;       // as the kernel keeps them (kuid_t): what permission checks compare
    long attachSeq;        // when its tracer attached (ptrace_link: the newest first on the ptraced list)
    boolean inUserNs;      // lives in a user namespace below the initial one
    UserNs userNs = UserNs.INIT; // which one (what capability checks walk)
    boolean nsCaps;        // made that user namespace (CLONE_NEWUSER): all capabilities in it
    int mappedUid = -1;    // the one uid its user namespace maps (0), -1 none, -2 all (World.ALL_UIDS)
    byte run;
    byte exitState;
    boolean stopped;       // group stop (T)
    boolean userDumpable;  // exit_mm saves whether its mm was dumpable (SUID_DUMP_USER)
    boolean dyingTogether; // killed with other threads of its group, its do_exit still to come (Exit.exitInTurn)
    boolean stopPending;   // JOBCTL_STOP_PENDING: asleep in vfork's D, it joins the group stop when it returns
    boolean traceStopped;  // ptrace stop (t)
    boolean sigpending;    // TIF_SIGPENDING: complete_signal chose it for a group signal it has not taken yet
    long blocked;          // the signal mask (sigprocmask): this thread's own; fork and exec keep it
    long frames;           // handlers whose frames are set up but have not run yet (it stopped first)
    long blockedBeforeFrames; // the mask sigreturn gives back once those handlers have run
    boolean trapPending;   // JOBCTL_TRAP_STOP: PTRACE_INTERRUPT asked for a stop it has not reached yet
    boolean execd;         // runs another program than the agent
    boolean labTask;       // created by the lab (in the lab's cgroup)
    boolean never;         // a name whose fork failed: no process, ever
    String unmodelled;     // it runs a program the model does not know: why its rows are skipped
    boolean inCgroup;
    int exitCode;          // encoded wait status of its own exit
    int exitSignal;        // -1 for threads
    int selfExecId;        // bumped by each exec (self_exec_id)
    int parentExecId;      // the parent's self_exec_id when this task was forked (parent_exec_id)
    int errno;             // of the last step
    long busyUntil;        // model clock (us) when HOLD/SPIN/PROG_SLEEP ends
    int progStatus;        // the wait status a PROG_SLEEP program ends with (exit 0 for sleep)
    java.util.List<String> execArgv; // the argv of an exec blocked in de_thread (run EXEC)
    Task attachTarget;     // the task a blocked PTRACE_SEIZE waits to attach (run ATTACH)
    long minflt;
    /** struct pid users: PID, plus each task using this pid as its pgid or sid (free_pid when 0). */
    int pidRefs;
    int ptraceCode;        // pending ptrace stop to report (exit_code), 0 when consumed
    int tracees;           // tasks this one traces (its ptraced list)

    Task realParent, ptracer;
    Task firstChild, lastChild, prevSibling, nextSibling;
    Task groupLeader, nextThread;
    Task prevTask, nextTask;
    Task pgrp, session;
    Task vforkParent;      // the parent blocked in vfork for this child (vfork_done)
    Task vforkChild;       // this task waits in D for it

    Mm mm;
    Ref cred;              // struct cred: shared by the threads of a group (copy_creds)
    long taskObj, pidObj;  // its task_struct and struct pid while tracing (Trace), else 0
    Ref files, fs;
    Sighand sighand;
    Sig signal;

    // the last wait: task waited for (null: pid 0 with WNOHANG), status; waitValid false: null
    boolean waitValid;
    Task waitTask;
    int waitStatus;
    // a blocking wait in progress
    Task waitTarget;
    boolean waitAny;
    int waitOpts;
    long waitWake;         // its wake count (Exit.wakeCount) when it last went to sleep in do_wait
    long ownWakeups;       // __wake_up_parent calls naming this thread the parent (what wakes a __WNOTHREAD wait)
    // a wait that returned in the kernel, caught by a group stop on its way back to user mode: the lab
    // learns of it after SIGCONT (untold); meanwhile it knows what it knew before (prior*)
    boolean untold;
    boolean priorValid;
    Task priorTask;
    int priorStatus, priorErrno;

    /** The record of a name whose creating step failed: it exists nowhere, and stays reaped. */
    static Task never() {
        Task t = new Task();
        t.never = true;
        t.labTask = true;
        t.exitState = DEAD;
        return t;
    }

    /** task->parent: the tracer while traced, else real_parent (who gets SIGCHLD and wait reports). */
    Task parent() {
        return ptracer != null ? ptracer : realParent;
    }

    /** capable(): a capability of the initial user namespace, which only its root has. */
    boolean capable() {
        return uid == 0 && !inUserNs;
    }

    /** INIT_USER: the machine's root user, in whatever namespace (a namespace mapping every uid to itself). */
    boolean initUser() {
        return kuid == 0; // cred->user is root_user for GLOBAL_ROOT_UID, whatever the namespace calls it
    }

    /** ns_capable() in its own user namespace: its root, or the task that made it. */
    boolean nsCapable() {
        return uid == 0 || nsCaps;
    }

    boolean blocks(int sig) {
        return (blocked & (1L << sig)) != 0;
    }

    /** Its lab name, for a choice's or an event's words. */
    String label() {
        return name != null ? name : "a thread";
    }

    boolean isLeader() {
        return groupLeader == this;
    }

    boolean alive() {
        return exitState == ALIVE;
    }
}

