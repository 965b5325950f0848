package dev.proclab.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.proc.Kallsyms;
import dev.proclab.proc.SlabAliases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allocations named by call site, and merged caches told apart by /sys/kernel/slab's links (a made-up one here). */
class SlabCallSitesTest {
    private static final Kallsyms SYMS = Kallsyms.parse("""
            ffffffff81100000 T copy_process
            ffffffff81102000 T prepare_creds
            ffffffff81102400 T copy_fs_struct
            ffffffff81102800 T anon_vma_fork
            ffffffff81102c00 T alloc_pid
            ffffffff81103000 T sock_alloc_inode
            ffffffff81104000 T sk_prot_alloc
            ffffffff81105000 T the_end
            """);

    /** This machine's merges: cred into pid, fs_cache into anon_vma_chain, the sockets into signal_cache. */
    private static SlabAliases aliases(Path dir) throws Exception {
        for (String d : List.of(":A-0000192", ":A-0000064", ":A-0001152", "task_struct", "sighand_cache", "mm_struct", "anon_vma")) {
            Files.createDirectory(dir.resolve(d));
        }
        for (String[] l : new String[][] {{"pid", ":A-0000192"}, {"cred", ":A-0000192"}, {"fs_cache", ":A-0000064"},
                {"anon_vma_chain", ":A-0000064"}, {"signal_cache", ":A-0001152"}, {"UNIX", ":A-0001152"}}) {
            Files.createSymbolicLink(dir.resolve(l[0]), Path.of(l[1]));
        }
        return new SlabAliases(dir);
    }

    @Test
    void callSitesNameTheCacheTheCodeAllocates(@TempDir Path dir) throws Exception {
        SlabCallSites s = new SlabCallSites(SYMS, aliases(dir));
        // copy_process allocates four caches: the event's (merged) cache decides
        assertEquals("task_struct", s.cacheOf(0xffffffff811001a5L, "task_struct"));
        assertEquals("sighand_cache", s.cacheOf(0xffffffff81100a7aL, "sighand_cache"));
        assertEquals("signal_cache", s.cacheOf(0xffffffff81100aeeL, "signal_cache"));
        assertEquals("mm_struct", s.cacheOf(0xffffffff8110120fL, "mm_struct"));
        // merged caches: the name says pid, the call site says cred; anon_vma_chain, fs_cache
        assertEquals("cred", s.cacheOf(0xffffffff8110201cL, "pid"));
        assertEquals("pid", s.cacheOf(0xffffffff81102c60L, "pid"));
        assertEquals("fs_cache", s.cacheOf(0xffffffff81102422L, "anon_vma_chain"));
        assertEquals("anon_vma_chain", s.cacheOf(0xffffffff811028a8L, "anon_vma_chain"));
        assertEquals("anon_vma", s.cacheOf(0xffffffff8110286dL, "anon_vma"));
        // a UNIX socket in the merged signal_cache is none of ours
        assertNull(s.cacheOf(0xffffffff81104032L, "signal_cache"));
        assertNull(s.cacheOf(0xffffffff8110301eL, "sock_inode_cache"));
    }

    @Test
    void filtersPassOnlyThoseSites(@TempDir Path dir) throws Exception {
        SlabCallSites s = new SlabCallSites(SYMS, aliases(dir));
        String f = s.filter(List.of("cred"));
        assertEquals("(call_site >= 0xffffffff81102000 && call_site < 0xffffffff81102400)", f);
        String free = s.freeFilter(List.of("cred", "fs_cache", "task_struct"), List.of("pid", "anon_vma_chain", "task_struct", "UNIX"));
        assertEquals("name == \"pid\" || name == \"anon_vma_chain\" || name == \"task_struct\"", free);
        String stack = s.stackFilter(List.of("task_struct"), List.of("task_struct", "pid"));
        assertTrue(stack.startsWith("((call_site >= 0xffffffff81100000") && stack.endsWith("&& (name == \"task_struct\")"), stack);
    }
}
