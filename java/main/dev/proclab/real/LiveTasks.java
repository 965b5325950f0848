package dev.proclab.real;

import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.TaskView;
import dev.proclab.proc.ProcFiles;
import dev.proclab.proc.ProcPaths;
import dev.proclab.proc.ProcStat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's processes right now as the host sees them, for a student who stops inside a lab
 * (run --step): host pids (what ps on the host shows, also for a lab in a pid namespace), host
 * ppid, state and comm, read from /proc by host pid while every process stands still.
 */
public final class LiveTasks {
    private LiveTasks() {}

    /**
     * One lab process. {@code nsPid} is its pid in the lab's own namespace (equal to hostPid without
     * one); {@code parent} is the lab name of the host parent (or null outside the lab); {@code wchan}
     * is null until the observation of wchan exists (see {@link #wchan}).
     */
    public record Live(String name, long hostPid, long nsPid, long hostPpid, String parent, char state, String comm,
                       int threads, String wchan) {
        /** The state as ps shows it: a zombie is marked {@code <defunct>}. */
        public String stateText() {
            return state == 'Z' ? "Z <defunct>" : String.valueOf(state);
        }
    }

    /** Every lab process alive or a zombie (the agent aside), in the order they were made. */
    public static List<Live> of(RealKernel k) throws KernelException {
        List<TaskView> views = k.tasks(); // also refreshes the name table after a repeat
        List<Live> out = new ArrayList<>();
        for (TaskView v : views) {
            Long host = k.names().hostPid(v.name());
            if (host == null || host <= 0) continue;
            ProcStat st;
            try {
                st = ProcStat.parse(ProcFiles.read(ProcPaths.stat(host)));
            } catch (IOException | IllegalArgumentException e) {
                continue; // reaped between the two reads: it is gone
            }
            out.add(new Live(v.name(), host, v.pid(), st.ppid(), k.names().byHost(st.ppid()), st.state(), st.comm(),
                    (int) st.numThreads(), wchan(host)));
        }
        return out;
    }

    /**
     * The seam for the kernel function a process sleeps in. The kernel-events work (issue 11) brings
     * wchan as an observation with its own rules (a zombie's reads 0, a running process has none);
     * once it lands, this returns that value. Until then: null, and the ps command shown beside the
     * tree prints wchan for the student.
     */
    static String wchan(long hostPid) {
        return null;
    }
}
