package dev.proclab.kernel;

/**
 * Where the real side of a lab runs. {@code pidNamespace}: a fresh pid namespace whose pid 1 is
 * {@code main}; {@code pidMax}: that namespace's own pid_max (null: inherited); {@code pidsMax}: a
 * pids cgroup limit around the lab (null: none); {@code userNamespace}: main in a user namespace of
 * the lab's own (run as root: every uid mapped to itself, so setuid works and RLIMIT_NPROC counts
 * only the lab's own processes, whatever else runs on the machine; run by anyone else: that user
 * mapped to 0, which is how an ordinary user gets a pid namespace). The host's sysctls are never
 * written.
 */
public record Sandbox(boolean pidNamespace, Integer pidMax, Integer pidsMax, boolean userNamespace) {
    public static final Sandbox NONE = new Sandbox(false, null, null, false);

    public Sandbox(boolean pidNamespace, Integer pidMax, Integer pidsMax) {
        this(pidNamespace, pidMax, pidsMax, false);
    }

    public boolean isolated() {
        return pidNamespace || pidsMax != null;
    }

    public Sandbox withUserNamespace(boolean v) {
        return new Sandbox(pidNamespace, pidMax, pidsMax, v);
    }
}
