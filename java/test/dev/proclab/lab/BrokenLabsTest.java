package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * java/test-resources/broken-labs: each NAME.yaml is wrong in one way (multiple-errors in several);
 * NAME.expected holds the exact errors, one {@code line:column: message} a line, in file order.
 */
class BrokenLabsTest {
    static Path dir() throws Exception {
        return Path.of(BrokenLabsTest.class.getResource("/broken-labs").toURI());
    }

    static Stream<String> brokenLabs() throws Exception {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5))
                    .sorted()
                    .collect(Collectors.toList())
                    .stream();
        }
    }

    @Test
    void theCorpusIsLargeAndComplete() throws Exception {
        List<String> names = brokenLabs().collect(Collectors.toList());
        assertTrue(names.size() >= 25, "at least 25 broken labs, found " + names.size());
        for (String n : names) assertTrue(Files.isRegularFile(dir().resolve(n + ".expected")), n + ".expected is missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenLabs")
    void reportsExactlyTheExpectedErrors(String name) throws Exception {
        Path lab = dir().resolve(name + ".yaml");
        List<String> expected = Files.readAllLines(dir().resolve(name + ".expected")).stream()
                .filter(l -> !l.isBlank())
                .collect(Collectors.toList());
        LabException e = assertThrows(LabException.class, () -> LabParser.parseFile(lab));
        List<String> actual = e.errors().stream().map(LabError::located).collect(Collectors.toList());
        assertEquals(expected, actual);
        for (LabError err : e.errors()) {
            assertEquals(lab.toString(), err.file());
            assertEquals(lab + ":" + err.line() + ":" + err.column() + ": " + err.message(), err.toString());
        }
    }
}
