package dev.proclab.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Struct sizes and member offsets. These are the compiler's, not the book's: the caller reads them
 * from the machine's BTF and hands them in ({@link ModelConfig#layout}). Where the book places a
 * structure elsewhere, the book wins: its thread_info is at the bottom of the kernel stack (LKD ch.3,
 * "Storing the Process Descriptor"), not a member of task_struct, and its kernel stack is two pages.
 */
final class Layout {
    /** Measured from /sys/kernel/btf/vmlinux of an x86_64 Linux 6.18 machine. */
    static final Map<String, Long> DEFAULTS;

    /** THREAD_SIZE in the book: two pages, 8 KiB on x86 (LKD ch.3). */
    static final long BOOK_THREAD_SIZE_KB = 8;

    static {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sizeof.task_struct", 3264L);
        m.put("sizeof.thread_info", 24L);
        m.put("sizeof.mm_struct", 1472L);
        m.put("sizeof.signal_struct", 1144L);
        m.put("sizeof.sighand_struct", 2080L);
        m.put("sizeof.files_struct", 704L);
        m.put("sizeof.fs_struct", 56L);
        m.put("sizeof.pid", 144L);
        m.put("sizeof.cred", 184L);
        m.put("sizeof.vm_area_struct", 192L);
        m.put("sizeof.anon_vma", 96L);
        m.put("sizeof.anon_vma_chain", 64L);
        DEFAULTS = java.util.Collections.unmodifiableMap(m);
    }

    private final Map<String, Long> facts;

    Layout(Map<String, Long> facts) {
        this.facts = facts;
    }

    /** A system field sizeof.X or offsetof.X.Y as the compiler laid it out, or null when the model was not told. */
    Long field(String f) {
        return facts.get(f);
    }

    /** Whether the book puts this member elsewhere: thread_info is at the bottom of the kernel stack, not in task_struct. */
    boolean notInBook(String f) {
        return f.equals("offsetof.task_struct.thread_info") || f.startsWith("offsetof.task_struct.thread_info.");
    }
}
