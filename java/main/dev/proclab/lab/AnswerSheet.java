package dev.proclab.lab;

import dev.proclab.kernel.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A student's predictions for one lab (run --answers FILE): a YAML mapping from {@code
 * STEP.PROC.FIELD} to the value they predict, as in {@code 3.kid.state: Z}; an object field is
 * answered whole ({@code 5.main.wait: {pid: kid, status: 256}}) or one key alone ({@code
 * 5.main.wait.status: 256}). PROC is the row's subject as the table shows it, without blanks
 * ({@code pid2}, {@code system}, {@code slab}).
 */
public record AnswerSheet(String file, List<Answer> answers) {
    /** One answered key, with where it stands in the file (for messages). */
    public record Answer(String key, Object value, int line, int column) {}

    public static AnswerSheet read(Path path) throws LabException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException(new LabError(path.toString(), 0, 0, "cannot read the answer file: " + e.getMessage()));
        }
        return parse(text, path.toString());
    }

    public static AnswerSheet parse(String text, String file) throws LabException {
        Node root = YamlTree.read(text, file);
        List<Answer> out = new ArrayList<>();
        if (root == null) return new AnswerSheet(file, out);
        if (!(root instanceof Node.Mapping m)) {
            throw new LabException(new LabError(file, root.pos().line(), root.pos().column(),
                    "an answer file is a mapping of STEP.PROC.FIELD to a value (3.kid.state: Z), not " + root.kind()));
        }
        for (Node.Entry e : m.list()) {
            out.add(new Answer(e.key(), Values.normalize(plain(e.value())), e.keyPos().line(), e.keyPos().column()));
        }
        return new AnswerSheet(file, out);
    }

    /** One value typed at a prompt (--predict), read as YAML: {@code Z}, {@code 256}, {@code {status: 256}}. */
    public static Object value(String typed) throws LabException {
        Node n = YamlTree.read(typed, "your answer");
        return n == null ? null : Values.normalize(plain(n));
    }

    private static Object plain(Node n) {
        if (n instanceof Node.Scalar s) return s.value();
        if (n instanceof Node.Seq q) {
            List<Object> l = new ArrayList<>();
            for (Node i : q.items()) l.add(plain(i));
            return l;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Node.Entry e : ((Node.Mapping) n).list()) map.put(e.key(), plain(e.value()));
        return map;
    }
}
