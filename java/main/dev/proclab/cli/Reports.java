package dev.proclab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a report goes: checked before a run, so that a long run does not end in "cannot write". */
final class Reports {
    private Reports() {}

    /** null when {@code file} can be written, else why not, in words. */
    static String unwritable(Path file) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) return "it is a directory";
        if (dir == null || !Files.isDirectory(dir)) return "there is no directory " + dir;
        if (Files.exists(abs) ? !Files.isWritable(abs) : !Files.isWritable(dir)) return "permission denied";
        try {
            // some file systems refuse what the permission bits allow (/proc, a read-only mount): try it
            boolean existed = Files.exists(abs);
            Files.newOutputStream(abs, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND).close();
            if (!existed) Files.deleteIfExists(abs);
            return null;
        } catch (IOException e) {
            String m = e.getMessage();
            return m == null || m.equals(abs.toString()) ? "the file system refuses it" : m;
        }
    }

    /** null when {@code dir} is (or can be made as) a writable directory, else why not. */
    static String unwritableDir(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs) && !Files.isDirectory(abs)) return "it is not a directory";
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) return "there is no directory to make it in";
        if (!Files.isWritable(existing)) return "permission denied";
        return null;
    }
}
