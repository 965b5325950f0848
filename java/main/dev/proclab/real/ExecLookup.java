package dev.proclab.real;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * What execve of a lab's argv[0] answers on this machine, found the way the agent looks for it:
 * a name with a '/' as it is, else each PATH entry in turn (an empty entry is the current
 * directory), as execvp does but without its retry through /bin/sh. The model is told this, as
 * it is told the slab geometry, and never looks itself.
 */
public final class ExecLookup {
    private ExecLookup() {}

    /** null when the program would run, else the errno name execve gives (ENOENT, EACCES, ENOEXEC). */
    public static String errno(String argv0) {
        if (argv0 == null || argv0.isEmpty()) return "ENOENT";
        if (argv0.indexOf('/') >= 0) return candidate(argv0);
        String path = System.getenv("PATH");
        if (path == null || path.isEmpty()) path = "/bin:/usr/bin";
        boolean eacces = false;
        for (String dir : path.split(":", -1)) {
            String e = candidate((dir.isEmpty() ? "." : dir) + "/" + argv0);
            if (e == null || e.equals("ENOEXEC")) return e;
            if (e.equals("EACCES")) eacces = true;
        }
        return eacces ? "EACCES" : "ENOENT";
    }

    /**
     * The owners of the directories that execve of {@code argv0} walks (the PATH candidates up to the
     * one that runs, as the agent tries them) and that deny search to group and others: where the
     * exec'ing task is not their owner, generic_permission asks for CAP_DAC_READ_SEARCH.
     */
    public static java.util.List<Integer> searchDenied(String argv0) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        if (argv0 == null || argv0.isEmpty()) return out;
        java.util.List<String> tries = new java.util.ArrayList<>();
        if (argv0.indexOf('/') >= 0) {
            tries.add(argv0);
        } else {
            String path = System.getenv("PATH");
            if (path == null || path.isEmpty()) path = "/bin:/usr/bin";
            for (String dir : path.split(":", -1)) tries.add((dir.isEmpty() ? "." : dir) + "/" + argv0);
        }
        for (String t : tries) {
            Path p;
            try {
                p = Path.of(t).toAbsolutePath();
            } catch (InvalidPathException e) {
                continue;
            }
            for (int i = 0; i < p.getNameCount() - 1; i++) {
                Path d = p.getRoot().resolve(p.subpath(0, i + 1));
                try {
                    int mode = (Integer) Files.getAttribute(d, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (!Files.isDirectory(d)) break;
                    if ((mode & 011) == 0) {
                        out.add((Integer) Files.getAttribute(d, "unix:uid"));
                        break; // the walk stops here for whoever may not pass
                    }
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    break;
                }
            }
            String e = candidate(t);
            if (e == null || !(e.equals("EACCES") || e.equals("ENOENT") || e.equals("ENOTDIR"))) break;
        }
        return out;
    }

    /** execve of one path: null (runs), ENOENT, ENOTDIR, EACCES or ENOEXEC. */
    private static String candidate(String file) {
        Path p;
        try {
            p = Path.of(file);
        } catch (InvalidPathException e) {
            return "ENOENT";
        }
        if (!Files.exists(p)) {
            for (Path q = p.getParent(); q != null; q = q.getParent()) {
                if (Files.exists(q) && !Files.isDirectory(q)) return "ENOTDIR";
            }
            return "ENOENT";
        }
        if (Files.isDirectory(p) || !Files.isExecutable(p)) return "EACCES";
        byte[] head = new byte[256];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return "EACCES"; // not readable: execve of a file we may not read fails so for us too
        }
        if (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') return null;
        if (n >= 2 && head[0] == '#' && head[1] == '!') {
            // binfmt_script: the interpreter must exist (else ENOENT), and run
            String line = new String(head, 2, n - 2, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n", 2)[0].strip();
            String interp = line.split("[ \t]", 2)[0];
            if (interp.isEmpty()) return "ENOEXEC";
            String e = candidate(interp);
            return e == null ? null : e.equals("ENOEXEC") ? "ENOEXEC" : "ENOENT";
        }
        return "ENOEXEC";
    }
}
