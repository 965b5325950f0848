package dev.proclab.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's BPF Type Format (/sys/kernel/btf/vmlinux, readable without root): struct sizes and
 * member offsets as the compiler laid them out (include/uapi/linux/btf.h). Parsed here, in Java, not
 * in the agent: the file is static, needs no privilege and no system call, and answering offsetof
 * walks a type graph; the agent only reads what must be read at a step's moment.
 */
public final class Btf {
    private static final int MAGIC = 0xeB9F;
    // kinds (BTF_KIND_*)
    private static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8,
            VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15, FLOAT = 16,
            DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;

    /** One type: kind, name, size (structs, unions, ints, enums) or referenced type, and a struct's members. */
    private record Type(int kind, String name, int sizeOrType, List<Member> members) {}

    /** A member of a struct or union: its name ("" for an anonymous one), type id and offset in bits. */
    private record Member(String name, int type, long bitOffset) {}

    private final List<Type> types; // index = type id; 0 is void
    private final Map<String, Integer> structs = new HashMap<>();

    private Btf(List<Type> types) {
        this.types = types;
        for (int id = 1; id < types.size(); id++) {
            Type t = types.get(id);
            // a named struct with a body (a forward declaration has kind FWD)
            if ((t.kind == STRUCT || t.kind == UNION) && !t.name.isEmpty()) structs.putIfAbsent(t.name, id);
        }
    }

    public static Btf read(Path path) throws IOException {
        return parse(Files.readAllBytes(path));
    }

    private static Btf machine;
    private static String machineError;

    /** This machine's BTF ({@link ProcPaths#BTF_VMLINUX}), read once; null when it cannot be read (see {@link #machineError()}). */
    public static synchronized Btf ofMachine() {
        if (machine == null && machineError == null) {
            try {
                machine = read(Path.of(ProcPaths.BTF_VMLINUX));
            } catch (IOException | RuntimeException e) {
                machineError = ProcPaths.BTF_VMLINUX + " cannot be read (" + e.getMessage() + "; the kernel needs CONFIG_DEBUG_INFO_BTF)";
            }
        }
        return machine;
    }

    public static synchronized String machineError() {
        return machineError;
    }

    /** A lab's system field sizeof.STRUCT or offsetof.STRUCT.MEMBER[.MEMBER...]; null when not there. */
    public Long field(String f) {
        if (f.startsWith("sizeof.")) return sizeOf(f.substring(7));
        if (!f.startsWith("offsetof.")) return null;
        String rest = f.substring(9);
        int dot = rest.indexOf('.');
        return dot < 0 ? null : offsetOf(rest.substring(0, dot), rest.substring(dot + 1));
    }

    public static Btf parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 24) throw new IllegalArgumentException("BTF: too short");
        if ((b.getShort(0) & 0xffff) != MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
            if ((b.getShort(0) & 0xffff) != MAGIC) throw new IllegalArgumentException("BTF: bad magic");
        }
        int hdrLen = b.getInt(4);
        int typeOff = b.getInt(8), typeLen = b.getInt(12), strOff = b.getInt(16), strLen = b.getInt(20);
        int types0 = hdrLen + typeOff, strs0 = hdrLen + strOff;
        if (types0 < 0 || strs0 < 0 || (long) types0 + typeLen > data.length || (long) strs0 + strLen > data.length) {
            throw new IllegalArgumentException("BTF: sections past the end of the file");
        }
        List<Type> types = new ArrayList<>();
        types.add(new Type(0, "void", 0, List.of()));
        int p = types0, end = types0 + typeLen;
        while (p < end) {
            String name = str(data, strs0, strLen, b.getInt(p));
            int info = b.getInt(p + 4);
            int sizeOrType = b.getInt(p + 8);
            int vlen = info & 0xffff, kind = (info >>> 24) & 0x1f;
            boolean kindFlag = (info >>> 31) != 0;
            p += 12;
            List<Member> members = List.of();
            switch (kind) {
                case INT, VAR, DECL_TAG -> p += 4;
                case ARRAY -> p += 12;
                case STRUCT, UNION -> {
                    members = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        int off = b.getInt(p + 8);
                        // kind_flag: the low 24 bits are the offset, the high 8 a bitfield's size
                        long bits = kindFlag ? (off & 0xffffffL) : (off & 0xffffffffL);
                        members.add(new Member(str(data, strs0, strLen, b.getInt(p)), b.getInt(p + 4), bits));
                    }
                }
                case ENUM -> p += 8 * vlen;
                case FUNC_PROTO -> p += 8 * vlen;
                case DATASEC, ENUM64 -> p += 12 * vlen;
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> { }
                default -> throw new IllegalArgumentException("BTF: unknown kind " + kind + " at type " + types.size());
            }
            types.add(new Type(kind, name, sizeOrType, members));
        }
        return new Btf(types);
    }

    private static String str(byte[] data, int base, int len, int off) {
        if (off < 0 || off >= len) return "";
        int s = base + off, e = s;
        while (e < base + len && data[e] != 0) e++;
        return new String(data, s, e - s, StandardCharsets.UTF_8);
    }

    /** sizeof(struct NAME), or null when there is no such struct (or union). */
    public Long sizeOf(String struct) {
        Integer id = structs.get(struct);
        return id == null ? null : (long) types.get(id).sizeOrType;
    }

    /**
     * offsetof(struct NAME, a.b.c) in bytes: members of anonymous structs and unions are found as the C
     * compiler finds them; null when the struct or a member is not there.
     */
    public Long offsetOf(String struct, String memberPath) {
        Integer id = structs.get(struct);
        if (id == null) return null;
        long bits = 0;
        for (String part : memberPath.split("\\.", -1)) {
            Type t = resolve(id);
            if (t == null || (t.kind != STRUCT && t.kind != UNION)) return null;
            long[] found = find(t, part, 0);
            if (found == null) return null;
            bits += found[0];
            id = (int) found[1];
        }
        return bits / 8;
    }

    /** {bit offset, type id} of a named member, looking into anonymous members. */
    private long[] find(Type t, String name, int depth) {
        if (depth > 16) return null;
        for (Member m : t.members) {
            if (m.name.equals(name)) return new long[] {m.bitOffset, m.type};
        }
        for (Member m : t.members) {
            if (!m.name.isEmpty()) continue;
            Type inner = resolve(m.type);
            if (inner == null || (inner.kind != STRUCT && inner.kind != UNION)) continue;
            long[] f = find(inner, name, depth + 1);
            if (f != null) return new long[] {m.bitOffset + f[0], f[1]};
        }
        return null;
    }

    /** Through typedefs and qualifiers to the type itself. */
    private Type resolve(int id) {
        for (int hops = 0; hops < 32 && id > 0 && id < types.size(); hops++) {
            Type t = types.get(id);
            if (t.kind == TYPEDEF || t.kind == VOLATILE || t.kind == CONST || t.kind == RESTRICT || t.kind == TYPE_TAG) {
                id = t.sizeOrType;
            } else {
                return t;
            }
        }
        return null;
    }

    /** Number of types (for tests). */
    public int typeCount() {
        return types.size() - 1;
    }
}
