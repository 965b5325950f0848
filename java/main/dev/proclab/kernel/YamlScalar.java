package dev.proclab.kernel;

/** Writing a lab file back (the fuzzer's findings, `proclab watch`'s lab): one string as YAML. */
public final class YamlScalar {
    private YamlScalar() {}

    /** A YAML double-quoted scalar (JSON's escapes are YAML's), which reads back as exactly the string. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
