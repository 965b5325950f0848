package dev.proclab.kernel;

/**
 * Where the real side of a lab runs. {@code pidNamespace}: a fresh pid namespace whose pid 1 is
 * {@code main}; {@code pidMax}: that namespace's own pid_max (null: inherited); {@code pidsMax}: a
 * pids cgroup limit around the lab (null: none). The host's sysctls are never written.
 */
public record Sandbox(boolean pidNamespace, Integer pidMax, Integer pidsMax) {
    public static final Sandbox NONE = new Sandbox(false, null, null);

    public boolean isolated() {
        return pidNamespace || pidsMax != null;
    }
}
