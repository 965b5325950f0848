package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlabAndPagemapTest {
    @Test
    void slabinfoColumns() {
        String text = "slabinfo - version: 2.1\n"
                + "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
                + "task_struct          812    870   6528    5    8 : tunables    0    0    0 : slabdata    174    174      0\n"
                + "mm_struct            140    180   1152   28    8 : tunables    0    0    0 : slabdata      6      6      0\n";
        Map<String, SlabInfo.Cache> m = SlabInfo.parse(text);
        assertEquals(2, m.size());
        SlabInfo.Cache t = m.get("task_struct");
        assertEquals(812, t.activeObjs());
        assertEquals(870, t.numObjs());
        assertEquals(6528, t.objsize());
        assertEquals(5, t.objperslab());
        assertEquals(8, t.pagesperslab());
        assertEquals(1152L, m.get("mm_struct").field("objsize"));
    }

    @Test
    void pagemapBits() {
        PagemapEntry e = PagemapEntry.ofHex("a1000000000123ab"); // present, exclusive(56), pfn 0x123ab
        assertTrue(e.present());
        assertTrue(e.exclusive());
        assertFalse(e.swapped());
        assertEquals(0x123ab, e.pfn());
        PagemapEntry none = PagemapEntry.ofHex("0");
        assertFalse(none.present());
        assertEquals(0, none.pfn());
        assertEquals(List.of(12L, 13L), Children.parse("12 13 "));
        assertEquals(List.of(), Children.parse(""));
    }
}
