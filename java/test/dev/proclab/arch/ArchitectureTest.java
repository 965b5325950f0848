package dev.proclab.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN.md's dependency rules, checked on the sources' imports (and fully qualified names). */
class ArchitectureTest {
    private static final Path SRC = Path.of(System.getProperty("proclab.home", "."), "java", "main", "dev", "proclab");
    private static final Pattern REF = Pattern.compile("\\b(dev\\.proclab\\.[a-z]+|com\\.sun\\.jna|jnr\\.posix|com\\.fasterxml|picocli|org\\.jfree)\\b");

    /** package → what it may use besides the JDK and itself. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "kernel", Set.of(),
            "model", Set.of("dev.proclab.kernel"),
            "proc", Set.of(),
            "posix", Set.of("com.sun.jna", "jnr.posix"),
            "lab", Set.of("dev.proclab.kernel", "com.fasterxml"),
            "real", Set.of("dev.proclab.kernel", "dev.proclab.proc", "dev.proclab.posix", "com.fasterxml"),
            "compare", Set.of("dev.proclab.kernel", "dev.proclab.lab"),
            "report", Set.of("dev.proclab.kernel", "dev.proclab.compare", "dev.proclab.lab", "com.fasterxml", "org.jfree"));

    static Stream<String> packages() {
        return ALLOWED.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("packages")
    void usesOnlyWhatDesignAllows(String pkg) throws IOException {
        Path dir = SRC.resolve(pkg);
        if (!Files.isDirectory(dir)) return;
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String text = Files.readString(f);
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    String ref = m.group(1);
                    if (ref.equals("dev.proclab." + pkg) || ALLOWED.get(pkg).contains(ref)) continue;
                    // javadoc links name other packages without depending on them
                    int lineStart = text.lastIndexOf('\n', m.start()) + 1;
                    String line = text.substring(lineStart, text.indexOf('\n', m.start()) < 0 ? text.length() : text.indexOf('\n', m.start())).trim();
                    if (line.startsWith("*") || line.startsWith("/**") || line.startsWith("//")) continue;
                    bad.add(SRC.relativize(f) + ": " + ref);
                }
            }
        }
        assertEquals(List.of(), bad, "package " + pkg + " reaches outside what DESIGN.md allows");
    }
}
