package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.PageRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model's kernel subject: what copy_process, do_exit, release_task and the fault handlers allocate, free and trace. */
class TraceTest {
    private static final List<String> THREAD = List.of("CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_THREAD");
    private static final int VMAS = ModelConfig.DEFAULT.imageVmas(), ANON = LabImage.DEFAULT.anonVmas();

    private static Map<String, Object> counts(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        return m;
    }

    private static Lab labelled() {
        Lab l = Lab.plain();
        assertEquals(List.of(), l.kernel(List.of("allocs", "frees", "events", "faults", "pages"), "a", null));
        return l;
    }

    @Test
    void aForkAllocatesOneOfEachAndAVmaPerParentVma() {
        Lab l = labelled();
        l.fork("main", "kid");
        assertEquals(counts("task_struct", 1, "cred", 1, "files_cache", 1, "fs_cache", 1, "sighand_cache", 1,
                "signal_cache", 1, "mm_struct", 1, "vm_area_struct", VMAS, "anon_vma", ANON,
                "anon_vma_chain", 2 * ANON, "pid", 1), l.kernelValue("allocs", "a"));
        assertEquals(List.of("main: task_newtask kid", "main: sched_process_fork kid", "kid: sched_wakeup_new"), l.kernelValue("events", "a"));
        assertEquals(-1L, l.kernelValue("node.task_struct", "a"));
        assertEquals(List.of("kmem_cache_alloc_node", "dup_task_struct", "copy_process", "do_fork", "sys_fork"), l.kernelValue("stack.task_struct", "a"));
    }

    @Test
    void aGrandchildsChainsAreOneLonger() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.kernel(List.of("allocs"), "a", null);
        l.fork("kid", "grandkid");
        assertEquals((long) ANON, l.kernelValue("allocs.anon_vma", "a"));
        assertEquals(3L * ANON, l.kernelValue("allocs.anon_vma_chain", "a"), "anon_vma_clone links the two anon_vmas of kid's chain, anon_vma_fork one more");
    }

    @Test
    void aThreadTakesATaskStructAndAPidOnly() {
        Lab l = labelled();
        l.clone("main", "t", THREAD, null);
        assertEquals(Map.of("task_struct", 1L, "pid", 1L), l.kernelValue("allocs", "a"));
    }

    @Test
    void aVforkChildSharesTheMm() {
        Lab l = labelled();
        l.vfork("main", "v");
        assertEquals(Map.of("task_struct", 1L, "cred", 1L, "files_cache", 1L, "fs_cache", 1L, "sighand_cache", 1L,
                "signal_cache", 1L, "pid", 1L), l.kernelValue("allocs", "a"));
    }

    @Test
    void exitAndWaitFreeEverythingTheForkTookInKernelCloneOrder() {
        Lab l = labelled();
        l.fork("main", "kid");
        l.exit("kid", 0);
        assertEquals(Map.of("files_cache", 1L, "fs_cache", 1L, "mm_struct", 1L, "vm_area_struct", (long) VMAS, "anon_vma", (long) ANON,
                "anon_vma_chain", 2L * ANON), l.kernelValue("frees", "a"), "a zombie keeps its task_struct, cred, pid, signal and sighand");
        l.waitFor("main", "kid");
        assertEquals(l.kernelValue("allocs", "a"), l.kernelValue("frees", "a"));
        assertEquals(List.of("main: task_newtask kid", "main: sched_process_fork kid", "kid: sched_wakeup_new", "kid: sched_process_exit",
                "kid: signal_generate SIGCHLD main", "main: sched_process_wait kid", "kid: sched_process_free"), l.kernelValue("events", "a"));
    }

    @Test
    void aWriteToASharedPageIsOneCowFault() {
        Lab l = Lab.plain();
        l.map("main", "heap", 4);
        l.touch("main", "heap", PageRange.ALL, true);
        l.fork("main", "kid");
        l.kernel(List.of("faults", "pages", "allocs"), "a", null);
        l.touch("kid", "heap", PageRange.firstN(2), true);
        l.touch("kid", "heap", PageRange.ALL, false);
        assertEquals(Map.of("cow", 2L), l.kernelValue("faults", "a", "kid"));
        assertEquals(Map.of("0", 2L), l.kernelValue("pages", "a", "kid"), "wp_page_copy: a new page each");
        assertEquals(Map.of(), l.kernelValue("allocs", "a", "kid"), "the VMA has its anon_vma since fork");
        assertEquals(Map.of(), l.kernelValue("faults", "a", "main"));
    }

    @Test
    void theFirstWriteToAFreshRegionGivesItAnAnonVma() {
        Lab l = Lab.plain();
        l.map("main", "heap", 4);
        l.kernel(List.of("faults", "allocs"), "a", null);
        l.touch("main", "heap", PageRange.firstN(1), false);
        l.touch("main", "heap", PageRange.ALL, true);
        assertEquals(Map.of("read", 1L, "write", 3L, "cow", 1L), l.kernelValue("faults", "a"), "the page read first maps the zero page, copied on write");
        assertEquals(Map.of("anon_vma", 1L, "anon_vma_chain", 1L), l.kernelValue("allocs", "a"));
    }

    @Test
    void newSlabsComeEveryObjperslabAllocations() {
        Lab l = Lab.plain();
        l.kernel(List.of("slabs.task_struct", "allocs"), "a", null);
        for (int i = 0; i < 20; i++) l.fork("main", "w" + i);
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) l.kernelValue("slabs.task_struct", "a");
        SlabGeometry g = SlabGeometry.DEFAULTS.get("task_struct");
        assertEquals(20L / g.objperslab(), s.get("slabs"));
        assertEquals((long) Integer.numberOfTrailingZeros(g.pagesperslab()), s.get("order"));
        assertEquals((long) g.objperslab(), s.get("every"));
    }

    @Test
    void nothingIsRecordedBeforeALabelAndUnknownLabelsAreSkipped() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertTrue(l.kernel(List.of("allocs"), null, "nope").get(0).isSkipped());
        l.kernel(List.of("allocs"), "a", null);
        assertEquals(Map.of(), l.kernelValue("allocs", "a"));
    }

    @Test
    void wchanOfEachWayToWait() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertEquals(LabImage.DEFAULT.idleWchan(), l.get("kid", "wchan"));
        l.block("kid");
        assertEquals("__do_sys_pause", l.get("kid", "wchan"));
        l.signal(null, "kid", "SIGSTOP");
        assertEquals("do_signal_stop", l.get("kid", "wchan"));
        l.signal(null, "kid", "SIGKILL");
        assertNull(l.get("kid", "wchan"), "a zombie");
        assertEquals(List.of(), l.get("kid", "kstack"));
        l.fork("main", "sleeper");
        l.hold("sleeper", 5000);
        assertEquals("hrtimer_nanosleep", l.get("sleeper", "wchan"));
        l.fork("main", "busy");
        l.spin("busy", 5000);
        // running, or, since the lab's clock does not count the real time steps take, back in its loop
        assertEquals(java.util.Arrays.asList(null, LabImage.DEFAULT.idleWchan()),
                ((dev.proclab.kernel.Envelope) l.get("busy", "wchan")).values(), "running, or its spin is over");
        l.fork("main", "w");
        l.fork("w", "c");
        l.block("c");
        l.waitFor("w", "c");
        assertEquals("do_wait", l.get("w", "wchan"));
        l.vfork("main", "v");
        assertEquals("kernel_clone", l.get("main", "wchan"));
        assertEquals("__do_sys_vfork", ((List<?>) l.get("main", "kstack")).get(1));
    }

    @Test
    void theBookKeepsThreadInfoOutOfTaskStruct() {
        Lab l = Lab.plain();
        assertNull(l.system("offsetof.task_struct.thread_info"));
        assertEquals(3264L, l.system("sizeof.task_struct"), "the default layout, measured on x86_64 6.18");
    }
}
