package dev.proclab.model;

/** signal_struct: shared by the threads of a group. */
final class Sig {
    static final int NPROC = 6, CORE = 4, NOFILE = 7;

    long soft(int r) {
        return rlim[r];
    }

    int nrThreads;           // tasks of the group not yet released (get_nr_threads)
    int live;                // tasks of the group not yet exited
    boolean isChildSubreaper;
    long chldWakeups;        // __wake_up_parent calls on its wait_chldexit: a sleeping waiter looks again at each
    boolean leader;          // signal->leader: the group leads its session (setsid); fork does not inherit it
    boolean unkillable;      // SIGNAL_UNKILLABLE: the init of a pid namespace
    boolean groupExit;       // SIGNAL_GROUP_EXIT
    int groupExitCode;
    int lastExitCode;        // the exit code of the group's last thread to exit (what wait reports then)
    long[] rlim;             // soft limits, by RLIMIT_ number (World.RLIMITS); -1: RLIM_INFINITY
    long[] rlimMax;          // hard limits
    int stopSig;             // group stop in effect with this signal
    boolean stopNotify;      // a stop not yet reported to WUNTRACED
    boolean contUntold;      // continued (SIGNAL_CLD_CONTINUED) with every thread traced: nobody ran get_signal to tell it
    boolean contNotify;      // a continue not yet reported to WCONTINUED
    long pending;            // shared_pending (ShdPnd): bit n for signal n, queued and not yet taken
    Task groupExecTask;      // group_exec_task: the thread whose exec (de_thread) waits for the others to be released
    long minfltDead;
    long obj;                // its slab object while tracing (Trace), else 0         // sig->min_flt: faults of released threads
}
