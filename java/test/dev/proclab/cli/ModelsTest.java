package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proclab.model.SlabGeometry;
import dev.proclab.proc.SlabInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsTest {
    @Test
    void slabinfoTextGivesTheModelItsGeometry() {
        String text = "slabinfo - version: 2.1\n# name <active_objs> ...\n"
                + "task_struct          130    130   5888    5    8 : tunables    0    0    0 : slabdata     26     26      0\n"
                + "bogus 1 2\n"
                + "kmalloc-64           900    900     64   64    1 : tunables    0    0    0 : slabdata     14     14      0\n";
        assertEquals(Map.of("task_struct", new SlabGeometry(5888, 5, 8)), Models.geometries(SlabInfo.parse(text)));
    }
}
