package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.PageRange;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regions, frames, fork's sharing, COW on write, the zero page on read, minor faults. */
class MemoryTest {
    static Map<String, Object> fr(long pages, long present, long shared, long exclusive) {
        return Map.of("pages", pages, "present", present, "shared", shared, "exclusive", exclusive);
    }

    @Test
    void mappedButUntouched() {
        Lab l = Lab.plain();
        assertNull(l.map("main", "heap", 256));
        assertEquals(fr(256, 0, 0, 0), l.frames("main", "heap"));
        assertNull(l.get("main", "frames.none"));
    }

    @Test
    void writeFaultsEachPageOnce() {
        Lab l = Lab.plain();
        l.map("main", "heap", 256);
        long before = l.num("main", "minflt");
        long rss = l.num("main", "rss_anon_kb");
        l.touch("main", "heap", PageRange.ALL, true);
        assertEquals(before + 256, l.num("main", "minflt"));
        assertEquals(rss + 1024, l.num("main", "rss_anon_kb"));
        assertEquals(fr(256, 256, 0, 256), l.frames("main", "heap"));
        l.touch("main", "heap", PageRange.ALL, true);
        assertEquals(before + 256, l.num("main", "minflt"), "present and writable: no fault");
    }

    @Test
    void forkSharesEveryFrame() {
        Lab l = Lab.plain();
        l.map("main", "heap", 256);
        l.touch("main", "heap", PageRange.ALL, true);
        l.fork("main", "kid");
        assertEquals(fr(256, 256, 256, 0), l.frames("main", "heap"));
        assertEquals(fr(256, 256, 256, 0), l.frames("kid", "heap"));
        assertEquals(0L, l.num("kid", "minflt"), "a child's counters start at 0");
    }

    @Test
    void writeAfterForkCopiesOnlyThosePages() {
        Lab l = Lab.plain();
        l.map("main", "heap", 256);
        l.touch("main", "heap", PageRange.ALL, true);
        l.fork("main", "kid");
        long frames = l.k.framesInUse();
        l.touch("kid", "heap", PageRange.firstN(128), true);
        assertEquals(fr(256, 256, 128, 128), l.frames("kid", "heap"));
        assertEquals(fr(256, 256, 128, 128), l.frames("main", "heap"));
        assertEquals(128L, l.num("kid", "minflt"));
        assertEquals(frames + 128, l.k.framesInUse());
    }

    @Test
    void readAfterForkCopiesNothing() {
        Lab l = Lab.plain();
        l.map("main", "heap", 16);
        l.touch("main", "heap", PageRange.ALL, true);
        l.fork("main", "kid");
        long frames = l.k.framesInUse();
        l.touch("kid", "heap", PageRange.ALL, false);
        assertEquals(0L, l.num("kid", "minflt"));
        assertEquals(frames, l.k.framesInUse());
        assertEquals(fr(16, 16, 16, 0), l.frames("kid", "heap"));
    }

    @Test
    void secondWriterReusesThePageButStillFaults() {
        Lab l = Lab.plain();
        l.map("main", "heap", 8);
        l.touch("main", "heap", PageRange.ALL, true);
        l.fork("main", "kid");
        l.touch("kid", "heap", PageRange.ALL, true); // copies
        long frames = l.k.framesInUse();
        long f = l.num("main", "minflt");
        l.touch("main", "heap", PageRange.ALL, true); // now alone on its frames: do_wp_page reuses them
        assertEquals(f + 8, l.num("main", "minflt"));
        assertEquals(frames, l.k.framesInUse());
        assertEquals(fr(8, 8, 0, 8), l.frames("main", "heap"));
    }

    @Test
    void childExitUnsharesTheFrames() {
        Lab l = Lab.plain();
        l.map("main", "heap", 8);
        l.touch("main", "heap", PageRange.ALL, true);
        l.fork("main", "kid");
        l.exit("kid", 0);
        assertEquals(fr(8, 8, 0, 8), l.frames("main", "heap"));
        assertNull(l.get("kid", "frames.heap"));
    }

    @Test
    void readMapsTheZeroPage() {
        Lab l = Lab.plain();
        l.map("main", "heap", 10);
        long rss = l.num("main", "rss_anon_kb");
        l.touch("main", "heap", PageRange.of(2, 5), false);
        assertEquals(fr(10, 4, 0, 0), l.frames("main", "heap"));
        assertEquals(4L, l.num("main", "minflt"));
        assertEquals(rss, l.num("main", "rss_anon_kb"), "the zero page is not anonymous RSS");
        l.touch("main", "heap", PageRange.of(2, 5), true);
        assertEquals(fr(10, 4, 0, 4), l.frames("main", "heap"));
        assertEquals(8L, l.num("main", "minflt"), "writing over the zero page faults again");
        assertEquals(rss + 16, l.num("main", "rss_anon_kb"));
    }

    @Test
    void firstWriteToAVariableAfterForkIsACowFault() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.set("kid", "x", 1);
        assertEquals(1L, l.num("kid", "minflt"));
        l.set("kid", "x", 2);
        assertEquals(1L, l.num("kid", "minflt"));
    }

    @Test
    void vforkChildSharesTheMm() {
        Lab l = Lab.plain();
        l.map("main", "heap", 4);
        l.touch("main", "heap", PageRange.ALL, true);
        l.vfork("main", "kid");
        assertEquals(fr(4, 4, 0, 4), l.frames("kid", "heap"));
    }

    @Test
    void execDropsVarsAndRegions() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.set("kid", "x", 1);
        l.map("kid", "heap", 4);
        l.exec("kid", "/bin/sleep", "5");
        assertNull(l.get("kid", "var.x"));
        assertNull(l.get("kid", "frames.heap"));
    }

    @Test
    void touchPartialRanges() {
        Lab l = Lab.plain();
        l.map("main", "r", 10);
        l.touch("main", "r", PageRange.firstN(3), true);
        l.touch("main", "r", PageRange.of(8, 20), true);
        assertEquals(5L, l.frames("main", "r").get("present"));
        assertEquals(0L, l.num("main", "majflt"));
    }

    @Test
    void mapErrors() {
        Lab l = Lab.plain();
        assertEquals("EINVAL", l.map("main", "r", 0));
        l.map("main", "r", 1);
        assertThrows(AssertionError.class, () -> l.map("main", "r", 1));
        assertThrows(AssertionError.class, () -> l.touch("main", "nope", PageRange.ALL, true));
    }
}
