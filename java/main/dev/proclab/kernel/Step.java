package dev.proclab.kernel;

import java.util.List;
import java.util.Map;

/**
 * One step of a lab, as LAB-FORMAT.md defines it. Both kernels take exactly these. Process names
 * inside a {@link Repeat} may contain {@code {i}}, the innermost iteration (0-based); each kernel
 * expands it itself (the real side does so inside the agent).
 */
public sealed interface Step {
    Pos pos();

    /** The lab-file keyword of this step. */
    String action();

    /** The process that performs the step, or null for lab-level steps (pause, repeat). */
    String proc();

    record Fork(String proc, String child, Pos pos) implements Step {
        public String action() { return "fork"; }
    }

    /** vfork(): the child takes only exit or exec; proc stays in D until it does. */
    record VFork(String proc, String child, Pos pos) implements Step {
        public String action() { return "vfork"; }
    }

    /**
     * clone(2) with CLONE_* names; {@code signal} is the exit signal name, null for the default (SIGCHLD,
     * none with CLONE_THREAD), or "none": exit_signal 0, the parent is sent nothing and waits for it
     * only with __WCLONE or __WALL.
     */
    record Clone(String proc, String child, List<String> flags, String signal, Pos pos) implements Step {
        public String action() { return "clone"; }
    }

    record Exec(String proc, List<String> argv, Pos pos) implements Step {
        public String action() { return "exec"; }
    }

    /** The exit system call of that one task (a thread exits alone; the last one ends the group). */
    record Exit(String proc, int code, Pos pos) implements Step {
        public String action() { return "exit"; }
    }

    /** kill(to, sig), sent by {@code proc} (null: by the lab itself, from outside); sig "0" sends nothing, only checks. */
    record Signal(String proc, String to, String sig, Pos pos) implements Step {
        public String action() { return "signal"; }
    }

    /** waitpid(); {@code target} is a name or "any"; options from WNOHANG, WUNTRACED, WCONTINUED, WNOWAIT, __WALL, __WCLONE, __WNOTHREAD. */
    record Wait(String proc, String target, List<String> options, Pos pos) implements Step {
        public String action() { return "wait"; }
    }

    record Hold(String proc, Duration duration, Pos pos) implements Step {
        public String action() { return "hold"; }
    }

    record Block(String proc, Pos pos) implements Step {
        public String action() { return "block"; }
    }

    record Spin(String proc, Duration duration, Pos pos) implements Step {
        public String action() { return "spin"; }
    }

    record SetVar(String proc, String var, long value, Pos pos) implements Step {
        public String action() { return "set"; }
    }

    record AddVar(String proc, String var, long value, Pos pos) implements Step {
        public String action() { return "add"; }
    }

    /** An anonymous private mapping of {@code pages} 4 KiB pages, named {@code region}. */
    record MapRegion(String proc, String region, int pages, Pos pos) implements Step {
        public String action() { return "map"; }
    }

    record Touch(String proc, String region, PageRange pages, boolean write, Pos pos) implements Step {
        public String action() { return "touch"; }
    }

    record Subreaper(String proc, Pos pos) implements Step {
        public String action() { return "subreaper"; }
    }

    record Ignore(String proc, String sig, Pos pos) implements Step {
        public String action() { return "ignore"; }
    }

    record SetUid(String proc, int uid, Pos pos) implements Step {
        public String action() { return "setuid"; }
    }

    /** setrlimit(RLIMIT_resource), soft and hard; resource without the prefix (NPROC). */
    record Rlimit(String proc, String resource, long value, Pos pos) implements Step {
        public String action() { return "rlimit"; }
    }

    /** proc attaches to {@code target} with PTRACE_SEIZE then PTRACE_INTERRUPT. */
    record Ptrace(String proc, String target, Pos pos) implements Step {
        public String action() { return "ptrace"; }
    }

    /**
     * setpgid(pid, pgid) in proc: {@code target} is the process that moves (null: 0, proc itself),
     * {@code pgid} the process whose pid names the group (null: 0, the target's own pid: a new group
     * led by it; "agent": the agent's group, where the lab starts).
     */
    record SetPgid(String proc, String target, String pgid, Pos pos) implements Step {
        public String action() { return "setpgid"; }
    }

    /** setsid() in proc: a new session and process group, both led by proc's thread group leader. */
    record SetSid(String proc, Pos pos) implements Step {
        public String action() { return "setsid"; }
    }

    /**
     * sigaction(sig) in proc with a handler that returns: the signal is caught, proc runs on, and the
     * handler adds 1 to proc's variable {@code caught_SIG...} (made, 0, by this step).
     */
    record Handle(String proc, String sig, Pos pos) implements Step {
        public String action() { return "handle"; }

        /** The variable the handler of {@code sig} counts in. */
        public static String var(String sig) {
            return "caught_" + sig;
        }
    }

    /** sigprocmask in proc (its own thread): {@code block} added to its mask, {@code unblock} taken out. */
    record Mask(String proc, List<String> block, List<String> unblock, Pos pos) implements Step {
        public String action() { return "mask"; }
    }

    record Pause(Duration duration, Pos pos) implements Step {
        public String action() { return "pause"; }
        public String proc() { return null; }
    }

    /** Runs {@code steps} {@code times} times; never contains an observe. */
    record Repeat(int times, List<Step> steps, Pos pos) implements Step {
        public String action() { return "repeat"; }
        public String proc() { return null; }
    }

    /**
     * Records fields on both kernels. Exactly one subject kind is set: {@code procs} (lab names),
     * {@code hostPid} (a process outside the lab), {@code slab} (cache names), {@code system} or
     * {@code kernel} (what the kernel did inside, from its tracepoints; then {@code procs}, when not
     * empty, narrows it to those processes). {@code fields} applies to procs and hostPid. {@code label}
     * names this observe's readings; {@code since} makes slab and system fields deltas from one, kernel
     * fields counts since it, and a proc observe's counter fields ({@link Fields#DELTAS}) differences
     * from the readings of an earlier label: of the same process, or of {@code sinceProc} when it is
     * set (a child against its parent). {@code expect}, {@code tolerance} and {@code explain} are keyed
     * by field (for slab: "cache.field").
     */
    record Observe(
            List<String> procs,
            Long hostPid,
            List<String> fields,
            List<String> slab,
            List<String> system,
            List<String> kernel,
            String label,
            String since,
            String sinceProc,
            Map<String, Object> expect,
            Map<String, Tolerance> tolerance,
            Map<String, String> explain,
            Pos pos)
            implements Step {
        public Observe {
            kernel = kernel == null ? List.of() : kernel;
        }

        /** An observe of anything but the kernel subject, whose since (if any) compares each process with its own reading. */
        public Observe(List<String> procs, Long hostPid, List<String> fields, List<String> slab, List<String> system,
                String label, String since, Map<String, Object> expect, Map<String, Tolerance> tolerance,
                Map<String, String> explain, Pos pos) {
            this(procs, hostPid, fields, slab, system, List.of(), label, since, null, expect, tolerance, explain, pos);
        }

        /** A kernel observe (or any other, with kernel empty), whose since compares each process with its own reading. */
        public Observe(List<String> procs, Long hostPid, List<String> fields, List<String> slab, List<String> system,
                List<String> kernel, String label, String since, Map<String, Object> expect, Map<String, Tolerance> tolerance,
                Map<String, String> explain, Pos pos) {
            this(procs, hostPid, fields, slab, system, kernel, label, since, null, expect, tolerance, explain, pos);
        }

        public String action() { return "observe"; }
        public String proc() { return procs.isEmpty() || !kernel.isEmpty() ? null : procs.get(0); }
    }
}
