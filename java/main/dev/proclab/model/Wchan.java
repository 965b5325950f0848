package dev.proclab.model;

import java.util.List;

/**
 * Where a task sleeps in the kernel: the function /proc/PID/wchan names (get_wchan: the first frame
 * outside the scheduler) and the path /proc/PID/stack shows, innermost first, for each way a lab
 * process waits. These are the x86_64 kernel's functions as its code names them (inlined helpers such
 * as wait_for_vfork_done do not appear). An idle lab process waits for its next command on a socket:
 * that path is the agent's, measured on the machine ({@link LabImage}).
 */
final class Wchan {
    private static final List<String> SYSCALL = List.of("do_syscall_64", "entry_SYSCALL_64_after_hwframe");
    private static final List<String> SIGNAL_RETURN = List.of("get_signal", "arch_do_signal_or_restart", "exit_to_user_mode_loop");

    private final World w;

    Wchan(World w) {
        this.w = w;
    }

    /** /proc/PID/wchan: null when the task is not sleeping (running, a zombie: the file reads 0). */
    String wchan(Task t) {
        if (t.exitState == Task.ALIVE && t.labTask && !t.execd && t.run == Task.IDLE && !t.stopped && !t.traceStopped) {
            return idleWchan();
        }
        List<String> s = stack(t);
        return s == null || s.isEmpty() || w.procfs.state(t) == 'R' ? null : s.get(0);
    }

    /** Where an idle lab process sleeps: waiting for its next command. */
    String idleWchan() {
        return w.cfg.image().idleWchan();
    }

    /**
     * /proc/PID/stack, or null when the model cannot say (a running task's stack is wherever the timer
     * interrupt found it; kernel threads and the machine's own processes).
     */
    List<String> stack(Task t) {
        if (t.exitState != Task.ALIVE) return List.of(); // exit released the stack
        if (!t.labTask) return t == w.kthreadd ? List.of("kthreadd", "ret_from_fork", "ret_from_fork_asm") : null;
        if (t.traceStopped) return path(List.of("ptrace_stop", "ptrace_do_notify"), SIGNAL_RETURN, SYSCALL); // PTRACE_INTERRUPT: a JOBCTL trap
        if (t.stopped) {
            // do_signal_stop, on the way back to user mode: from a system call, or from the interrupt that found it spinning
            return t.run == Task.SPIN
                    ? List.of("do_signal_stop", "get_signal", "arch_do_signal_or_restart", "irqentry_exit_to_user_mode", "asm_sysvec_apic_timer_interrupt")
                    : path(List.of("do_signal_stop"), SIGNAL_RETURN, SYSCALL);
        }
        return switch (t.run) {
            case Task.IDLE -> t.execd ? null : w.cfg.image().idleKstack();
            case Task.HOLD -> path(List.of("hrtimer_nanosleep", "common_nsleep_timens", "__x64_sys_clock_nanosleep"), SYSCALL);
            case Task.PROG_SLEEP -> path(List.of("hrtimer_nanosleep", "common_nsleep", "__x64_sys_clock_nanosleep"), SYSCALL);
            case Task.BLOCK -> t.execd ? null : path(List.of("__do_sys_pause"), SYSCALL);
            // a lab's wait is waitid(P_PIDFD or P_ALL) (the target travels as a pidfd): wait4's sibling
            case Task.WAIT -> path(List.of("do_wait", "kernel_waitid", "__do_sys_waitid"), SYSCALL);
            case Task.VFORK -> path(List.of("kernel_clone", "__do_sys_vfork"), SYSCALL); // wait_for_vfork_done is inlined
            // de_thread is inlined in begin_new_exec; the agent calls execveat for a relative path
            // with a '/' (from the user's directory), execve for the others (PATH's entries, absolute)
            // mutex_lock_interruptible(cred_guard_mutex) is inlined in ptrace_attach
            case Task.ATTACH -> path(List.of("ptrace_attach", "__x64_sys_ptrace"), SYSCALL);
            // a namespace init's exit step (SYS_exit) asleep in zap_pid_ns_processes' kernel_wait4; an init
            // killed by a signal comes from get_signal instead, a path not measured here (x64_sys_call stays in
            // the stack of a system call that does not return)
            case Task.ZAP -> (t.exitCode & 0x7f) == 0
                    ? path(List.of("do_wait", "kernel_wait4", "zap_pid_ns_processes", "do_exit", "__x64_sys_exit", "x64_sys_call"), SYSCALL) : null;
            case Task.EXEC -> path(List.of("begin_new_exec", "load_elf_binary", "bprm_execve", "do_execveat_common",
                    relative(t.execArgv) ? "__x64_sys_execveat" : "__x64_sys_execve"), SYSCALL);
            default -> null; // running
        };
    }

    private static boolean relative(List<String> argv) {
        String a = argv == null || argv.isEmpty() ? "" : argv.get(0);
        return a.indexOf('/') > 0;
    }

    @SafeVarargs
    private static List<String> path(List<String>... parts) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (List<String> p : parts) out.addAll(p);
        return List.copyOf(out);
    }
}
