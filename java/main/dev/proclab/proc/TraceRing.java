package dev.proclab.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of a tracefs ring buffer as per_cpu/cpuN/trace_pipe_raw gives them (events/header_page,
 * header_event): a page header (u64 timestamp, u64 commit: the data's length in its low 30 bits, bit
 * 31 set when events were lost before this page), then events, each a u32 header of a 5-bit type_len
 * and a 27-bit time delta: type_len 1..28 is a record of type_len * 4 bytes, 0 a record whose length
 * is in the next word, 29 padding, 30 a time extension, 31 an absolute time stamp.
 */
public final class TraceRing {
    /** One record: the CPU, its time (the buffer's clock, here CLOCK_MONOTONIC ns) and its bytes (common_type first). */
    public record Record(int cpu, long time, byte[] data) {
        public int type() {
            return data.length < 2 ? -1 : (data[0] & 0xff) | (data[1] & 0xff) << 8;
        }

        public int pid() {
            return data.length < 8 ? -1 : ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        }
    }

    /** The records of one page, and whether events were lost before it. */
    public record Page(List<Record> records, boolean missedBefore) {}

    private static final int PADDING = 29, TIME_EXTEND = 30, TIME_STAMP = 31, TS_SHIFT = 27;
    private static final long MISSED_EVENTS = 1L << 31, LENGTH_MASK = (1L << 30) - 1;

    private TraceRing() {}

    public static Page parse(int cpu, byte[] page) {
        List<Record> out = new ArrayList<>();
        if (page.length < 16) return new Page(out, false);
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        long ts = b.getLong(0);
        long commit = b.getLong(8);
        int end = (int) Math.min(16 + (commit & LENGTH_MASK), page.length);
        int off = 16;
        while (off + 4 <= end) {
            int hdr = b.getInt(off);
            int typeLen = hdr & 31;
            long delta = (hdr >>> 5) & ((1L << 27) - 1);
            off += 4;
            switch (typeLen) {
                case PADDING -> {
                    if (off + 4 > end) {
                        off = end;
                        break;
                    }
                    int len = b.getInt(off);
                    ts += delta;
                    if (len <= 0) off = end; // the rest of the page is empty
                    else off += len;
                }
                case TIME_EXTEND -> {
                    if (off + 4 > end) {
                        off = end;
                        break;
                    }
                    ts += ((b.getInt(off) & 0xffffffffL) << TS_SHIFT) + delta;
                    off += 4;
                }
                case TIME_STAMP -> {
                    if (off + 4 > end) {
                        off = end;
                        break;
                    }
                    ts = ((b.getInt(off) & 0xffffffffL) << TS_SHIFT) | delta;
                    off += 4;
                }
                case 0 -> {
                    if (off + 4 > end) {
                        off = end;
                        break;
                    }
                    int len = b.getInt(off) - 4;
                    off += 4;
                    if (len < 0 || off + len > end) {
                        off = end;
                        break;
                    }
                    ts += delta;
                    out.add(new Record(cpu, ts, java.util.Arrays.copyOfRange(page, off, off + len)));
                    off += (len + 3) & ~3;
                }
                default -> {
                    int len = typeLen * 4;
                    if (off + len > end) {
                        off = end;
                        break;
                    }
                    ts += delta;
                    out.add(new Record(cpu, ts, java.util.Arrays.copyOfRange(page, off, off + len)));
                    off += len;
                }
            }
        }
        return new Page(out, (commit & MISSED_EVENTS) != 0);
    }
}
