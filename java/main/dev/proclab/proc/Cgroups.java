package dev.proclab.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pids cgroup directory this process lives in (where proclab-agent makes its sandboxes' cgroups,
 * found the same way: v2 when the unified hierarchy has the pids controller, else v1's pids hierarchy),
 * and the cgroups in it.
 */
public final class Cgroups {
    private Cgroups() {}

    /** The directory of this process's cgroup in the hierarchy with the pids controller, or null when there is none. */
    public static Path pidsDir() {
        String self;
        try {
            self = ProcFiles.read(ProcPaths.SELF_CGROUP);
        } catch (IOException e) {
            return null;
        }
        String v1 = null, v2 = null;
        for (String line : self.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            if (f[0].equals("0") && f[1].isEmpty()) v2 = f[2];
            else if (("," + f[1] + ",").contains(",pids,")) v1 = f[2];
        }
        try {
            if (v2 != null && ProcFiles.read(ProcPaths.CGROUP_ROOT + "/cgroup.controllers").contains("pids")) {
                return Path.of(ProcPaths.CGROUP_ROOT + (v2.equals("/") ? "" : v2));
            }
        } catch (IOException e) {
            // no unified hierarchy: try v1
        }
        if (v1 != null && Files.exists(Path.of(ProcPaths.CGROUP_ROOT, "pids", "cgroup.procs"))) {
            return Path.of(ProcPaths.CGROUP_ROOT + "/pids" + (v1.equals("/") ? "" : v1));
        }
        return null;
    }

    /** The cgroups (directories) in {@code dir} whose names start with {@code prefix}; empty when dir is null or unreadable. */
    public static List<String> named(Path dir, String prefix) {
        List<String> out = new ArrayList<>();
        if (dir == null) return out;
        try (DirectoryStream<Path> d = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))) {
            for (Path p : d) out.add(p.getFileName().toString());
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The pids in a cgroup (cgroup.procs); empty when it is gone. */
    public static List<Long> procs(Path cgroup) {
        List<Long> out = new java.util.ArrayList<>();
        try {
            for (String l : ProcFiles.read(cgroup.resolve("cgroup.procs").toString()).split("\n")) {
                if (!l.isBlank()) out.add(Long.parseLong(l.trim()));
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // gone, or not a cgroup: nothing in it
        }
        return out;
    }
}
