package dev.proclab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Each verdict becomes what CI systems understand: a failure, a skip, an error for a lab that could not finish. */
class JunitReportTest {
    @Test
    void verdictsMapToFailuresSkipsAndErrors() throws Exception {
        LabResult r = new LabResult("x", List.of(
                new Row(3, "kid", "state", "Z", "Z", "Z", Verdict.MATCH, null),
                new Row(3, "kid", "ppid", "main", "main", "agent", Verdict.DIFFERS, "a <note> & \"quotes\""),
                new Row(4, "kid", "exists", false, false, null, Verdict.SKIPPED, "needs root"),
                new Row(5, "kid", "comm", null, "a", "b", Verdict.EXPLAINED, "why")),
                List.of("a warning"), List.of(), List.of(), null, "the agent died");
        String xml = JunitReport.render(List.of(r), new RunInfo("6.18", "x86_64", Map.of()));
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        assertEquals("5", root.getAttribute("tests"));
        assertEquals("1", root.getAttribute("failures"));
        assertEquals("1", root.getAttribute("skipped"));
        assertEquals("1", root.getAttribute("errors"));
        Element failure = (Element) root.getElementsByTagName("failure").item(0);
        assertEquals("differs", failure.getAttribute("type"));
        assertEquals("differs: expected main, model main, real agent; a <note> & \"quotes\"", failure.getAttribute("message"));
        assertEquals("the agent died", ((Element) root.getElementsByTagName("error").item(0)).getAttribute("message"));
    }
}
