package dev.proclab.real;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds proclab-agent, async-profiler style: the --agent option, the proclab.agent system property,
 * the PROCLAB_AGENT environment variable, a file beside the jar, the build tree under proclab.home,
 * and last the copy inside the jar, extracted once to a private cache with the run bit set.
 */
public final class AgentLocator {
    public static final String BINARY = "proclab-agent";
    static final String RESOURCE = "/dev/proclab/native/" + BINARY;

    private AgentLocator() {}

    /** @param option the --agent option, or null */
    public static Path locate(String option) throws AgentNotFoundException {
        List<String> looked = new ArrayList<>();
        Path p;
        if ((p = candidate(option, "--agent option", looked)) != null) return p;
        if ((p = candidate(System.getProperty("proclab.agent"), "system property proclab.agent", looked)) != null) return p;
        if ((p = candidate(System.getenv("PROCLAB_AGENT"), "environment variable PROCLAB_AGENT", looked)) != null) return p;
        Path jarDir = jarDirectory();
        if (jarDir != null && (p = candidate(jarDir.resolve(BINARY).toString(), "beside the jar", looked)) != null) return p;
        String home = System.getProperty("proclab.home");
        if (home != null && (p = candidate(Path.of(home, "target", "cmake", "bin", BINARY).toString(), "build tree", looked)) != null) return p;
        try {
            p = extract();
            if (p != null) return p;
            looked.add("inside the jar (" + RESOURCE + "): not there");
        } catch (IOException e) {
            looked.add("inside the jar: could not extract (" + e.getMessage() + ")");
        }
        throw new AgentNotFoundException("proclab-agent was not found. Looked at:\n  " + String.join("\n  ", looked)
                + "\nBuild it with `mvn package` (or ./proclab), or name it with --agent PATH.");
    }

    private static Path candidate(String path, String what, List<String> looked) {
        if (path == null || path.isBlank()) {
            looked.add(what + ": not set");
            return null;
        }
        Path p = Path.of(path);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toAbsolutePath();
        looked.add(what + ": " + p + (Files.exists(p) ? " (not executable)" : " (no such file)"));
        return null;
    }

    private static Path jarDirectory() {
        try {
            var src = AgentLocator.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path loc = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(loc) ? loc.getParent() : null;
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Extracts the bundled agent into ~/.cache/proclab/HASH/ (content-addressed, so versions never clash). */
    private static Path extract() throws IOException {
        byte[] bytes;
        try (InputStream in = AgentLocator.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return null;
            bytes = in.readAllBytes();
        }
        String hash = sha256(bytes).substring(0, 16);
        Path dir = cacheDir().resolve(hash);
        Path target = dir.resolve(BINARY);
        if (Files.isExecutable(target) && Files.size(target) == bytes.length) return target;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            // no writable home (a service user, HOME=/nonexistent): a private directory in tmp
            dir = privateTempDir("proclab-" + System.getProperty("user.name") + "-" + hash);
            target = dir.resolve(BINARY);
            if (Files.isExecutable(target) && Files.size(target) == bytes.length) return target;
        }
        Path tmp = Files.createTempFile(dir, BINARY, ".tmp");
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** tmp/NAME, reused only when it is ours alone (owner, mode 0700, not a link); else a fresh unique one. */
    private static Path privateTempDir(String name) throws IOException {
        var mode = PosixFilePermissions.fromString("rwx------");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), name);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
            return dir;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            var attrs = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (attrs.isDirectory() && attrs.owner().getName().equals(System.getProperty("user.name")) && attrs.permissions().equals(mode)) return dir;
            return Files.createTempDirectory(name + "-", PosixFilePermissions.asFileAttribute(mode));
        }
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("proclab");
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class AgentNotFoundException extends Exception {
        public AgentNotFoundException(String message) {
            super(message);
        }
    }
}
