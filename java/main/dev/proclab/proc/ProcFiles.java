package dev.proclab.proc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads /proc files in large reads. /proc files report size 0, and the JDK's Files.readString then
 * probes with a one-byte read; sysctl handlers (proc_dointvec) answer EOF to any read at a non-zero
 * offset, so pid_max "32768" would come back as "3". One big read from offset 0 gets it whole.
 */
public final class ProcFiles {
    private static final int CHUNK = 64 * 1024;

    private ProcFiles() {}

    public static String read(String path) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            byte[] buf = new byte[CHUNK];
            int len = 0;
            while (true) {
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) break;
                len += n;
                if (len == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            return new String(buf, 0, len, StandardCharsets.UTF_8);
        }
    }

    /** The number in a one-number file (a sysctl), or null when it cannot be read. */
    public static Long readLong(String path) {
        try {
            return Long.valueOf(read(path).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
