package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every lab shipped in labs/ parses, has questions and a source, and observes something with an expectation. */
class ShippedLabsTest {
    static Stream<Path> labs() throws IOException {
        Path dir = Path.of(System.getProperty("proclab.home", "."), "labs");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            return l.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("labs")
    void parsesAndTeaches(Path file) throws Exception {
        Lab lab;
        try {
            lab = LabParser.parseFile(file);
        } catch (LabException e) {
            throw new AssertionError(e.getMessage());
        }
        assertEquals(file.getFileName().toString(), lab.id() + ".yaml");
        assertFalse(lab.questions().isEmpty(), "a lab asks the student something");
        assertFalse(lab.source() == null || lab.source().isBlank(), "a lab says where in the book it comes from");
        assertFalse(lab.observes().stream().allMatch(o -> o.expect().isEmpty()), "a lab expects something");
    }
}
