package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracefs formats: event format files, ring-buffer pages, kallsyms, and the small /proc texts around them. */
class TraceParsersTest {
    static final String KMEM_FORMAT = """
            name: kmem_cache_alloc
            ID: 659
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;
            \tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;
            \tfield:__data_loc char[] name;\toffset:24;\tsize:4;\tsigned:0;
            \tfield:size_t bytes_req;\toffset:32;\tsize:8;\tsigned:0;
            \tfield:int node;\toffset:56;\tsize:4;\tsigned:1;
            \tfield:char comm[16];\toffset:60;\tsize:16;\tsigned:0;

            print fmt: "call_site=%pS"
            """;

    @Test
    void formatFieldsAndValues() {
        TraceFormat f = TraceFormat.parse(KMEM_FORMAT);
        assertEquals("kmem_cache_alloc", f.name());
        assertEquals(659, f.id());
        assertTrue(f.fields().get("name").dataLoc());
        assertTrue(f.fields().get("comm").array());
        assertEquals(8, f.fields().get("ptr").size());
        byte[] rec = new byte[96];
        ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 659).putInt(4, 4242).putLong(8, 0xffffffff81234567L).putInt(56, -1);
        byte[] name = "task_struct\0".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, rec, 80, name.length);
        b.putInt(24, name.length << 16 | 80);
        System.arraycopy("sleep".getBytes(StandardCharsets.UTF_8), 0, rec, 60, 5);
        assertEquals(4242, f.number(rec, "common_pid"));
        assertEquals(0xffffffff81234567L, f.number(rec, "call_site"));
        assertEquals(-1, f.number(rec, "node"));
        assertEquals("task_struct", f.string(rec, "name"));
        assertEquals("sleep", f.string(rec, "comm"));
    }

    /** A page: a small record, a time extension, a record with its length in a word, padding. */
    @Test
    void ringBufferPage() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1000); // page timestamp
        b.putLong(0);    // commit, set below
        b.putInt(2 | 5 << 5).putShort((short) 7).putShort((short) 0).putInt(11); // type_len 2: 8 bytes, delta 5
        b.putInt(30 | 3 << 5).putInt(1);                                         // time extend: + (1 << 27) + 3
        b.putInt(0 | 2 << 5).putInt(12 + 4).putShort((short) 9).putShort((short) 0).putInt(22).putInt(33); // length in a word
        int used = b.position();
        b.putInt(29 | 0 << 5).putInt(0); // padding: the rest of the page is empty
        b.putLong(8, used - 16 + 8);
        TraceRing.Page p = TraceRing.parse(1, b.array());
        assertFalse(p.missedBefore());
        List<TraceRing.Record> r = p.records();
        assertEquals(2, r.size());
        assertEquals(1005, r.get(0).time());
        assertEquals(7, r.get(0).type());
        assertEquals(11, r.get(0).pid());
        assertEquals(1, r.get(0).cpu());
        assertEquals(1005 + (1L << 27) + 3 + 2, r.get(1).time());
        assertEquals(9, r.get(1).type());
        assertEquals(22, r.get(1).pid());
        assertEquals(12, r.get(1).data().length);
    }

    @Test
    void aPageThatLostEventsSaysSo() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 5).putLong(8, 1L << 31);
        TraceRing.Page p = TraceRing.parse(0, b.array());
        assertTrue(p.missedBefore());
        assertEquals(List.of(), p.records());
    }

    @Test
    void kallsymsNamesAddresses() {
        Kallsyms k = Kallsyms.parse("""
                ffffffff81000000 T _stext
                ffffffff81200000 T copy_process
                ffffffff81201d80 t mas_dup_alloc.isra.0
                ffffffff81202000 D some_data
                ffffffff81203000 T kernel_clone\t[somemod]
                """);
        assertEquals("copy_process", k.function(0xffffffff812001a5L));
        assertEquals("mas_dup_alloc", k.function(0xffffffff81201d90L));
        assertEquals("kernel_clone", k.function(0xffffffff81203010L));
        assertEquals(List.of(0xffffffff81200000L, 0xffffffff81201d80L), List.of(k.ranges("copy_process").get(0)[0], k.ranges("copy_process").get(0)[1]));
        assertEquals("copy_process", Kallsyms.function("copy_process+0x1a5/0x1d80"));
        assertNull(Kallsyms.parse("0000000000000000 T copy_process\n"), "hidden addresses (not root) resolve nothing");
    }

    @Test
    void wchanStackSmapsMeminfo() {
        assertNull(ProcStack.wchan("0"));
        assertEquals("do_wait", ProcStack.wchan("do_wait"));
        assertEquals(List.of("do_wait", "kernel_wait4", "entry_SYSCALL_64_after_hwframe"),
                ProcStack.frames("[<0>] do_wait+0x53/0x120\n[<0>] kernel_wait4+0xe3/0x190\n[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n"));
        Smaps.Summary s = Smaps.parse("""
                555708e65000-555708e66000 r--p 00015000 fe:00 5316863    /bin/x
                Size:                  4 kB
                Anonymous:             4 kB
                7f047cbea000-7f047cbec000 rw-p 00000000 00:00 0
                Anonymous:             0 kB
                ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
                Anonymous:             4 kB
                """);
        assertEquals(new Smaps.Summary(2, 1), s);
        assertEquals(1712L, MemInfo.parse("MemTotal:       24000000 kB\nKernelStack:        1712 kB\n").get("KernelStack"));
    }

    @Test
    void btfOfAHandMadeBlob() {
        // types: 1 int (4 bytes), 2 struct outer {int a; struct {int b;} (anonymous) at 32 bits}, 3 the anonymous struct
        ByteBuffer t = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt(1).putInt(1 << 24).putInt(4).putInt(32);                       // INT "int"
        t.putInt(5).putInt(4 << 24 | 2).putInt(8);                              // STRUCT "outer", 2 members
        t.putInt(11).putInt(1).putInt(0);                                       //   a: int at bit 0
        t.putInt(0).putInt(3).putInt(32);                                       //   (anonymous) at bit 32
        t.putInt(0).putInt(4 << 24 | 1).putInt(4);                              // STRUCT (anonymous), 1 member
        t.putInt(13).putInt(1).putInt(0);                                       //   b: int at bit 0
        int typeLen = t.position();
        byte[] strs = "\0int\0outer\0a\0b\0".getBytes(StandardCharsets.UTF_8);
        ByteBuffer all = ByteBuffer.allocate(24 + typeLen + strs.length).order(ByteOrder.LITTLE_ENDIAN);
        all.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(typeLen).putInt(typeLen).putInt(strs.length);
        all.put(t.array(), 0, typeLen).put(strs);
        Btf btf = Btf.parse(all.array());
        assertEquals(3, btf.typeCount());
        assertEquals(8L, btf.sizeOf("outer"));
        assertEquals(0L, btf.offsetOf("outer", "a"));
        assertEquals(4L, btf.offsetOf("outer", "b"), "found inside the anonymous struct");
        assertNull(btf.offsetOf("outer", "c"));
        assertNull(btf.sizeOf("inner"));
        assertEquals(8L, btf.field("sizeof.outer"));
        assertEquals(4L, btf.field("offsetof.outer.b"));
        assertNull(btf.field("offsetof.outer"), "offsetof names a member");
    }

    @Test
    void btfOfThisMachine() {
        Btf b = Btf.ofMachine();
        org.junit.jupiter.api.Assumptions.assumeTrue(b != null, "no BTF here: " + Btf.machineError());
        long size = b.sizeOf("task_struct");
        assertTrue(b.offsetOf("task_struct", "pid") < size && b.offsetOf("task_struct", "comm") < size);
        assertEquals(16L, b.sizeOf("list_head"), "two pointers on a 64-bit kernel");
        assertEquals(8L, b.offsetOf("list_head", "prev"));
    }
}
