package dev.proclab.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every lab of the corpus, every one waiting in corpus-pending/, and every regression lab the
 * fuzzer's findings left is a lab file an editor accepts (docs/lab.schema.json).
 */
class CorpusSchemaTest {
    private static final Path HOME = Path.of(System.getProperty("proclab.home", "."));

    @Test
    void everyCorpusLabValidates() throws Exception {
        Schema schema;
        try (InputStream in = Files.newInputStream(HOME.resolve("docs/lab.schema.json"))) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        YAMLMapper yaml = new YAMLMapper();
        List<Path> labs = new ArrayList<>(Corpus.labs());
        for (String more : List.of("/corpus-pending", "/regressions")) {
            try (Stream<Path> s = Files.list(Corpus.dir(more))) {
                s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(labs::add);
            }
        }
        for (Path lab : labs) {
            List<String> problems = new ArrayList<>();
            for (Error e : schema.validate(yaml.readTree(lab.toFile()))) problems.add(e.toString());
            assertEquals(List.of(), problems, lab.toString());
            assertEquals(Corpus.id(lab), yaml.readTree(lab.toFile()).path("id").asText(), "the id is the file name: " + lab);
        }
    }
}
