package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** COLUMNS=80 proclab run --all prints no line longer than 80 characters; --junit writes what CI reads. */
class FitsTheTerminalTest {
    @Test
    void columns80RunAllPrintsNoLineLongerThan80AndJunitXmlCountsEveryRow(@TempDir Path dir) throws Exception {
        Path junit = dir.resolve("results.xml");
        String out;
        int code;
        try (LiveCli cli = LiveCli.start(Map.of("COLUMNS", "80"), "run", "--all", "--no-color", "--junit", junit.toString())) {
            code = cli.finish(600);
            out = cli.output();
        }
        assertEquals(0, code, out);
        List<String> tooLong = new ArrayList<>();
        for (String l : out.split("\n")) if (l.codePointCount(0, l.length()) > 80) tooLong.add(l.codePointCount(0, l.length()) + ": " + l);
        assertEquals(List.of(), tooLong, "lines longer than 80 characters");
        assertTrue(out.contains("summary"), out);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element root = doc.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        NodeList suites = root.getElementsByTagName("testsuite");
        assertTrue(suites.getLength() >= 16, "a test suite per lab: " + suites.getLength());
        int cases = root.getElementsByTagName("testcase").getLength();
        assertEquals(Integer.parseInt(root.getAttribute("tests")), cases);
        assertEquals("0", root.getAttribute("failures"), "run --all exited 0, so no row failed");
        int summed = 0;
        for (int i = 0; i < suites.getLength(); i++) summed += Integer.parseInt(((Element) suites.item(i)).getAttribute("tests"));
        assertEquals(cases, summed);
        assertEquals(Integer.parseInt(root.getAttribute("skipped")), root.getElementsByTagName("skipped").getLength());
    }
}
