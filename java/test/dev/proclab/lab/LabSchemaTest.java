package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/lab.schema.json, which editors use to complete and check labs, accepts every bundled lab and every example of the contract. */
class LabSchemaTest {
    private static final Path HOME = Path.of(System.getProperty("proclab.home", "."));
    private static final YAMLMapper YAML = new YAMLMapper();

    private static Schema schema() throws Exception {
        try (InputStream in = Files.newInputStream(HOME.resolve("docs/lab.schema.json"))) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }

    private static List<String> problems(Schema s, JsonNode lab) {
        List<String> out = new ArrayList<>();
        for (Error e : s.validate(lab)) out.add(e.toString());
        return out;
    }

    @Test
    void everyBundledLabValidates() throws Exception {
        Schema s = schema();
        List<Path> labs;
        try (Stream<Path> files = Files.list(HOME.resolve("labs"))) {
            labs = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(labs.size() >= 16, "the bundled labs: " + labs);
        for (Path f : labs) assertEquals(List.of(), problems(s, YAML.readTree(f.toFile())), f.toString());
    }

    @Test
    void theExamplesOfTheContractValidate() throws Exception {
        Schema s = schema();
        String doc = Files.readString(HOME.resolve("docs/lab-format.md"));
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc);
        int labs = 0, steps = 0;
        while (m.find()) {
            JsonNode n = YAML.readTree(m.group(1));
            if (n.isObject() && !n.has("id")) continue; // an answer file's example, not a lab
            if (n.isObject()) {
                labs++;
                assertEquals(List.of(), problems(s, n), m.group(1));
            } else {
                // a list of steps: each one inside a lab of its own
                for (JsonNode step : n) {
                    steps++;
                    ObjectNode lab = new ObjectMapper().createObjectNode().put("id", "example").put("title", "an example step");
                    lab.putArray("steps").add(step);
                    assertEquals(List.of(), problems(s, lab), step.toString());
                }
            }
        }
        assertTrue(labs >= 1 && steps >= 7, "the contract's examples: " + labs + " labs, " + steps + " steps");
    }

    @Test
    void mistakesAnEditorShouldFlagAreFlagged() throws Exception {
        Schema s = schema();
        String[] wrong = {
            "title: no id\nsteps: [{fork: {proc: main, child: kid}}]\n",
            "id: Bad_Id\ntitle: t\nsteps: [{fork: {proc: main, child: kid}}]\n",
            "id: t\ntitle: t\nsteps: [{frok: {proc: main, child: kid}}]\n",
            "id: t\ntitle: t\nsteps: [{fork: {proc: main}}]\n",
            "id: t\ntitle: t\nsteps: [{fork: {proc: main, child: kid}, exit: {proc: kid, code: 1}}]\n",
            "id: t\ntitle: t\nsteps: [{exit: {proc: kid, code: \"1\"}}]\n",
            "id: t\ntitle: t\nsteps: [{exit: {proc: kid, code: 2147483648}}]\n",
            "id: t\ntitle: t\nsteps: [{touch: {proc: main, region: heap, pages: all, mode: execute}}]\n",
            "id: t\ntitle: t\nrequires: [wings]\nsteps: [{fork: {proc: main, child: kid}}]\n",
        };
        for (String w : wrong) assertFalse(problems(s, YAML.readTree(w)).isEmpty(), "should not validate:\n" + w);
    }
}
