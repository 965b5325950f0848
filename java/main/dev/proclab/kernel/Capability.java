package dev.proclab.kernel;

/** What the real side of a lab may need from the machine (LAB-FORMAT.md, "Capabilities"). */
public enum Capability {
    LINUX("linux"),
    ROOT("root"),
    PID_NAMESPACE("pid-namespace"),
    USER_NAMESPACE("user-namespace"),
    SLABINFO("slabinfo"),
    PAGEMAP_PFN("pagemap-pfn"),
    PTRACE("ptrace"),
    CGROUP_PIDS("cgroup-pids"),
    SETUID("setuid"),
    TRACEFS("tracefs");

    private final String id;

    Capability(String id) {
        this.id = id;
    }

    /** The name lab files and reports use. */
    public String id() {
        return id;
    }

    public static Capability byId(String id) {
        for (Capability c : values()) if (c.id.equals(id)) return c;
        return null;
    }
}
