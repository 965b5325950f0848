package dev.proclab.report;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import dev.proclab.kernel.Values;
import java.io.StringWriter;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The results as JUnit XML, the format CI systems read (Jenkins, GitLab, GitHub Actions' test
 * reporters): a test suite per lab, a test case per row. match and explained pass, differs and
 * expect-failed are failures, skipped is skipped; a lab that could not finish is an error.
 */
public final class JunitReport {
    private JunitReport() {}

    public static String render(java.util.List<LabResult> results, RunInfo info) {
        StringWriter s = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(s);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            int tests = 0, failures = 0, errors = 0, skipped = 0;
            for (LabResult r : results) {
                Map<Verdict, Integer> m = r.summary();
                tests += r.rows().size() + (r.failure() != null ? 1 : 0);
                failures += m.get(Verdict.DIFFERS) + m.get(Verdict.EXPECT_FAILED);
                skipped += m.get(Verdict.SKIPPED);
                errors += r.failure() != null ? 1 : 0;
            }
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "proclab");
            counts(x, tests, failures, errors, skipped);
            for (LabResult r : results) suite(x, r, info);
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the JUnit XML", e);
        }
        return s.toString() + "\n";
    }

    private static void counts(XMLStreamWriter x, int tests, int failures, int errors, int skipped) throws XMLStreamException {
        x.writeAttribute("tests", String.valueOf(tests));
        x.writeAttribute("failures", String.valueOf(failures));
        x.writeAttribute("errors", String.valueOf(errors));
        x.writeAttribute("skipped", String.valueOf(skipped));
    }

    private static void suite(XMLStreamWriter x, LabResult r, RunInfo info) throws XMLStreamException {
        Map<Verdict, Integer> m = r.summary();
        x.writeCharacters("\n  ");
        x.writeStartElement("testsuite");
        x.writeAttribute("name", r.lab());
        counts(x, r.rows().size() + (r.failure() != null ? 1 : 0), m.get(Verdict.DIFFERS) + m.get(Verdict.EXPECT_FAILED),
                r.failure() != null ? 1 : 0, m.get(Verdict.SKIPPED));
        x.writeCharacters("\n    ");
        x.writeStartElement("properties");
        property(x, "kernel.release", info.release());
        property(x, "kernel.machine", info.machine());
        if (r.realSkipped() != null) property(x, "real_skipped", r.realSkipped());
        x.writeEndElement();
        for (Row row : r.rows()) {
            x.writeCharacters("\n    ");
            x.writeStartElement("testcase");
            x.writeAttribute("classname", "proclab." + r.lab());
            x.writeAttribute("name", "step " + row.step() + " " + row.proc() + " " + row.field());
            x.writeAttribute("time", "0");
            String detail = "expected " + Values.show(row.expected()) + ", model " + Values.show(row.model()) + ", real " + Values.show(row.real())
                    + (row.note() == null ? "" : "; " + row.note());
            switch (row.verdict()) {
                case DIFFERS, EXPECT_FAILED -> {
                    x.writeStartElement("failure");
                    x.writeAttribute("type", row.verdict().id());
                    x.writeAttribute("message", row.verdict().id() + ": " + detail);
                    x.writeCharacters(detail);
                    x.writeEndElement();
                }
                case SKIPPED -> {
                    x.writeEmptyElement("skipped");
                    x.writeAttribute("message", row.note() == null ? "skipped" : row.note());
                }
                case EXPLAINED -> {
                    x.writeStartElement("system-out");
                    x.writeCharacters("explained: " + detail);
                    x.writeEndElement();
                }
                case MATCH -> {}
            }
            x.writeEndElement();
        }
        if (r.failure() != null) {
            x.writeCharacters("\n    ");
            x.writeStartElement("testcase");
            x.writeAttribute("classname", "proclab." + r.lab());
            x.writeAttribute("name", "the lab runs to its end");
            x.writeStartElement("error");
            x.writeAttribute("message", r.failure());
            x.writeCharacters(r.failure());
            x.writeEndElement();
            x.writeEndElement();
        }
        if (!r.warnings().isEmpty()) {
            x.writeCharacters("\n    ");
            x.writeStartElement("system-err");
            x.writeCharacters(String.join("\n", r.warnings()));
            x.writeEndElement();
        }
        x.writeCharacters("\n  ");
        x.writeEndElement();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", value == null ? "" : value);
    }
}
