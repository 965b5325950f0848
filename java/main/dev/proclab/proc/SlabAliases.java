package dev.proclab.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /sys/kernel/slab (root only): each cache's name is a directory, or, where SLUB merged it into a cache
 * of the same size and flags, a link to the merged cache's directory (":A-0000192"). Two names whose
 * links lead to the same place share one kmem_cache: a tracepoint names them by that cache's own name.
 */
public final class SlabAliases {
    private final Path dir;

    public SlabAliases(Path dir) {
        this.dir = dir;
    }

    /** Where this cache really is: the link's target name, the name itself for an unmerged cache, or null. */
    public String group(String cache) {
        if (cache == null || cache.isEmpty() || cache.contains("/")) return null;
        Path p = dir.resolve(cache);
        try {
            if (Files.isSymbolicLink(p)) return Files.readSymbolicLink(p).getFileName().toString();
            return Files.isDirectory(p) ? cache : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the slab directory can be read here (it needs root). */
    public boolean readable() {
        return Files.isReadable(dir) && Files.isDirectory(dir) && Files.isReadable(dir.resolve("task_struct"));
    }
}
