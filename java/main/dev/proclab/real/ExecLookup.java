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
