package dev.proclab.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An event's format file (tracefs events/SYSTEM/EVENT/format): its name, its id (the common_type of
 * its records) and where each field lies in a record, so that a record's bytes can be read.
 */
public record TraceFormat(String name, int id, Map<String, Field> fields) {
    /** One field: offset and size in the record; a __data_loc field holds (length << 16 | offset) of its bytes. */
    public record Field(String name, int offset, int size, boolean signed, boolean dataLoc, boolean array) {}

    private static final Pattern FIELD = Pattern.compile(
            "field:(.+?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d+);");

    public static TraceFormat parse(String text) {
        String name = null;
        int id = -1;
        Map<String, Field> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.startsWith("name:")) name = l.substring(5).trim();
            else if (l.startsWith("ID:")) id = Integer.parseInt(l.substring(3).trim());
            Matcher m = FIELD.matcher(l);
            if (!m.find()) continue;
            String decl = m.group(1).trim();
            boolean dataLoc = decl.startsWith("__data_loc");
            String fname = decl;
            // "char comm[16]", "unsigned long caller[8]": the name before a trailing [N]; "__data_loc char[] name": the last word
            boolean array = fname.endsWith("]");
            if (array) fname = fname.substring(0, fname.lastIndexOf('['));
            fname = fname.trim();
            int sp = Math.max(fname.lastIndexOf(' '), fname.lastIndexOf('*'));
            fname = fname.substring(sp + 1);
            fields.put(fname, new Field(fname, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(4).equals("1"), dataLoc, array));
        }
        if (name == null || id < 0) throw new IllegalArgumentException("not an event format: no name or ID");
        return new TraceFormat(name, id, fields);
    }

    /** A numeric field of a record (sign-extended when the field is signed); 0 when the record is too short. */
    public long number(byte[] rec, String field) {
        Field f = fields.get(field);
        if (f == null) throw new IllegalArgumentException(name + " has no field " + field);
        if (f.offset + f.size > rec.length) return 0;
        ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
        return switch (f.size) {
            case 1 -> f.signed ? b.get(f.offset) : b.get(f.offset) & 0xff;
            case 2 -> f.signed ? b.getShort(f.offset) : b.getShort(f.offset) & 0xffff;
            case 4 -> f.signed ? b.getInt(f.offset) : b.getInt(f.offset) & 0xffffffffL;
            default -> b.getLong(f.offset);
        };
    }

    /** A string field: a __data_loc string or a fixed char array, up to its first NUL. */
    public String string(byte[] rec, String field) {
        Field f = fields.get(field);
        if (f == null) throw new IllegalArgumentException(name + " has no field " + field);
        int off = f.offset, len = f.size;
        if (f.dataLoc) {
            if (f.offset + 4 > rec.length) return "";
            int loc = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN).getInt(f.offset);
            off = loc & 0xffff;
            len = loc >>> 16;
        }
        if (off < 0 || off >= rec.length) return "";
        int end = off;
        while (end < rec.length && end < off + len && rec[end] != 0) end++;
        return new String(rec, off, end - off, StandardCharsets.UTF_8);
    }
}
