package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Slab objects per fork, exit, reap and exec; geometry passed in. */
class SlabTest {
    static final List<String> ALL = List.of("task_struct", "mm_struct", "signal_cache", "sighand_cache", "files_cache",
            "fs_cache", "pid", "vm_area_struct");

    @Test
    void forkAllocatesOneOfEachAndTheParentsVmas() {
        Lab l = Lab.plain();
        l.slab(ALL, "before", null);
        l.fork("main", "kid");
        assertEquals(1, l.slabValue("task_struct", "active_objs", "before"));
        assertEquals(1, l.slabValue("mm_struct", "active_objs", "before"));
        assertEquals(1, l.slabValue("signal_cache", "active_objs", "before"));
        assertEquals(1, l.slabValue("sighand_cache", "active_objs", "before"));
        assertEquals(1, l.slabValue("files_cache", "active_objs", "before"));
        assertEquals(1, l.slabValue("fs_cache", "active_objs", "before"));
        assertEquals(1, l.slabValue("pid", "active_objs", "before"));
        assertEquals(ModelConfig.IMAGE_VMAS_DEFAULT, l.slabValue("vm_area_struct", "active_objs", "before"));
        assertEquals(0, l.slabValue("task_struct", "objsize", "before"));
    }

    @Test
    void zombieKeepsTaskSignalSighandPidUntilReaped() {
        Lab l = Lab.plain();
        l.slab(ALL, "before", null);
        l.fork("main", "kid");
        l.exit("kid", 0);
        assertEquals(1, l.slabValue("task_struct", "active_objs", "before"));
        assertEquals(1, l.slabValue("signal_cache", "active_objs", "before"));
        assertEquals(1, l.slabValue("sighand_cache", "active_objs", "before"));
        assertEquals(1, l.slabValue("pid", "active_objs", "before"));
        assertEquals(0, l.slabValue("mm_struct", "active_objs", "before"));
        assertEquals(0, l.slabValue("files_cache", "active_objs", "before"));
        assertEquals(0, l.slabValue("fs_cache", "active_objs", "before"));
        assertEquals(0, l.slabValue("vm_area_struct", "active_objs", "before"));
        l.waitFor("main", "kid");
        for (String c : ALL) assertEquals(0, l.slabValue(c, "active_objs", "before"), c);
    }

    @Test
    void twoHundredForks() {
        Lab l = Lab.plain();
        l.slab(List.of("task_struct"), "before", null);
        l.repeat(200, new Step.Fork("main", "w{i}", Pos.NONE));
        assertEquals(200, l.slabValue("task_struct", "active_objs", "before"));
    }

    @Test
    void threadsShareEverythingButTaskAndPid() {
        Lab l = Lab.plain();
        l.slab(ALL, "before", null);
        l.clone("main", "t", CloneTest.THREAD, null);
        assertEquals(1, l.slabValue("task_struct", "active_objs", "before"));
        assertEquals(1, l.slabValue("pid", "active_objs", "before"));
        for (String c : List.of("mm_struct", "signal_cache", "sighand_cache", "files_cache", "fs_cache", "vm_area_struct"))
            assertEquals(0, l.slabValue(c, "active_objs", "before"), c);
    }

    @Test
    void namespaceTasksUseTheLevelsPidCache() {
        Lab l = Lab.ns();
        l.slab(List.of("pid", "pid_2"), "b", null);
        l.fork("main", "kid");
        assertEquals(0, l.slabValue("pid", "active_objs", "b"));
        assertEquals(1, l.slabValue("pid_2", "active_objs", "b"));
    }

    @Test
    void execReplacesTheMm() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        l.map("kid", "r", 1);
        l.slab(ALL, "b", null);
        l.exec("kid", "/bin/sleep", "100");
        assertEquals(0, l.slabValue("mm_struct", "active_objs", "b"));
        assertEquals(-1, l.slabValue("vm_area_struct", "active_objs", "b"));
    }

    @Test
    void geometryAndNumObjs() {
        Lab l = new Lab(ModelConfig.DEFAULT.withSlabs(Map.of("task_struct", new SlabGeometry(1000, 4, 1))), Sandbox.NONE);
        List<Observation> obs = l.slab(List.of("task_struct"), null, null);
        assertEquals(List.of("task_struct.active_objs", "task_struct.num_objs", "task_struct.objsize", "task_struct.objperslab",
                "task_struct.pagesperslab"), obs.stream().map(Observation::field).toList());
        long active = (Long) obs.get(0).value();
        assertEquals((active + 3) / 4 * 4, obs.get(1).value());
        assertEquals(1000L, obs.get(2).value());
        assertEquals(4L, obs.get(3).value());
        assertEquals(1L, obs.get(4).value());
        assertEquals("slab", obs.get(0).subject());
    }


    @Test
    void unknownCacheAndLabelAreSkippedWithAReason() {
        Lab l = Lab.plain();
        assertTrue(l.slab(List.of("dentry"), null, null).get(0).isSkipped());
        assertTrue(l.slab(List.of("pid"), null, "nolabel").get(0).isSkipped());
    }

    @Test
    void memoryPagesAreNotSlab() {
        Lab l = Lab.plain();
        l.map("main", "r", 100);
        l.slab(List.of("vm_area_struct"), "b", null);
        l.touch("main", "r", PageRange.ALL, true);
        assertEquals(0, l.slabValue("vm_area_struct", "active_objs", "b"));
    }
}
