package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.proclab.kernel.PageRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vm_pte_kb (VmPTE): the image's tables plus, per region (alone in its 512 GiB slot), a PTE page per
 * 2 MiB block with an entry, a PMD page per GiB, one PUD page; copied by fork, shared by vfork and
 * CLONE_VM, gone with the mm. Each rule was first measured on Linux 6.18 (native/tests: region_page_tables).
 */
class PageTablesTest {
    private static long pte(Lab l, String p) {
        return l.num(p, "vm_pte_kb");
    }

    @Test
    void aMappingAloneNeedsNoTables() {
        Lab l = Lab.plain();
        long base = pte(l, "main");
        assertEquals(Mm.IMAGE_PTE_KB, base);
        l.map("main", "heap", 16384);
        assertEquals(base, pte(l, "main"));
    }

    @Test
    void aPtePagePerTwoMibTouchedAPmdPerGibAndAPud() {
        Lab l = Lab.plain();
        long base = pte(l, "main");
        l.map("main", "r", 16384);
        l.touch("main", "r", PageRange.of(0, 0), true);
        assertEquals(base + 4 * (1 + 1 + 1), pte(l, "main"), "one page: a PTE, a PMD and a PUD page");
        l.touch("main", "r", PageRange.of(511, 511), true);
        assertEquals(base + 4 * (1 + 1 + 1), pte(l, "main"), "the same 2 MiB block");
        l.touch("main", "r", PageRange.of(512, 512), true);
        assertEquals(base + 4 * (2 + 1 + 1), pte(l, "main"), "the next block");
        l.touch("main", "r", PageRange.ALL, true);
        assertEquals(base + 4 * (32 + 1 + 1), pte(l, "main"), "64 MiB: 136 kB");
        l.map("main", "big", 262144 + 1);
        l.touch("main", "big", PageRange.of(262144, 262144), false);
        assertEquals(base + 136 + 4 * (1 + 1 + 1), pte(l, "main"), "a read maps a page too; its block is in the second GiB");
    }

    @Test
    void forkCopiesTheTablesVforkAndThreadsShareThem() {
        Lab l = Lab.plain();
        l.map("main", "r", 1024);
        l.touch("main", "r", PageRange.ALL, true);
        long parent = pte(l, "main");
        l.fork("main", "kid");
        assertEquals(parent, pte(l, "kid"));
        l.touch("kid", "r", PageRange.ALL, true);
        assertEquals(parent, pte(l, "kid"), "copy-on-write faults need no new tables");
        l.clone("main", "t", List.of("CLONE_VM"), null);
        assertEquals(parent, pte(l, "t"));
        l.vfork("main", "v");
        assertEquals(parent, pte(l, "v"));
    }

    @Test
    void execStartsFromTheImageAndAZombieHasNone() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.map("kid", "r", 1024);
        l.touch("kid", "r", PageRange.ALL, true);
        l.exec("kid", "sleep", "5");
        assertEquals(Mm.IMAGE_PTE_KB, pte(l, "kid"));
        l.fork("main", "z");
        l.exit("z", 0);
        assertNull(l.get("z", "vm_pte_kb"));
    }
}
