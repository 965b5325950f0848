package dev.proclab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table fits its width, shows an agreed value once, wraps long values in their cells, shows an expected null as "-". */
class TerminalReportTest {
    private static final String LAB = """
            id: t
            title: a table that fits
            source: test
            questions: [q]
            steps:
              - fork: {proc: main, child: kid}
              - observe: {proc: main, fields: [errno, wait, comm], expect: {errno: null, wait: {status: 256}}}
            """;

    private static String render(int width, List<Row> rows) throws Exception {
        Lab lab = LabParser.parse(LAB, "t.yaml", "t");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new TerminalReport(new PrintStream(b, true, StandardCharsets.UTF_8), new Style(false), width)
                .lab(lab, new LabResult("t", rows, List.of("a warning long enough to need two lines of eighty columns when it is printed in full"),
                        List.of(), List.of(), null, null));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fitsShowsAgreementOnceWrapsAndDashesAnExpectedNull() throws Exception {
        Map<String, Object> wait = new java.util.LinkedHashMap<>();
        wait.put("pid", "kid");
        wait.put("status", 256L);
        wait.put("exited", true);
        String longComm = "a-very-long-program-name-that-goes-on-and-on-and-on-well-past-any-column";
        List<Row> rows = List.of(
                new Row(2, "main", "errno", null, null, null, Verdict.MATCH, null),
                new Row(2, "main", "wait", Map.of("status", 256L), wait, wait, Verdict.MATCH, null),
                new Row(2, "main", "comm", null, longComm, "proclab-agent", Verdict.DIFFERS, "the model is wrong here"));
        for (int width : new int[] {80, 100, 132}) {
            String out = render(width, rows);
            for (String l : out.split("\n")) assertTrue(l.codePointCount(0, l.length()) <= width, width + ": too long: " + l + "\n" + out);
        }
        String out = render(80, rows);
        List<String> lines = out.lines().toList();
        String errno = lines.stream().filter(l -> l.contains("errno")).findFirst().orElseThrow();
        // expected null is "-"; model and real agree on null: one "-" across both columns
        assertEquals(List.of("2", "main", "errno", "-", "-", "match"), List.of(errno.trim().split("\\s+")), errno);
        String waitLine = lines.stream().filter(l -> l.contains(" wait ")).findFirst().orElseThrow();
        // once in expected, once for model and real together
        assertEquals(2, waitLine.split("\\{status: 256}", -1).length - 1, "the agreed wait value is shown once: " + waitLine);
        String comm = lines.stream().filter(l -> l.contains(" comm ")).findFirst().orElseThrow();
        assertTrue(comm.contains("proclab-agent"), "both values of a row that differs: " + comm);
        int at = lines.indexOf(comm), col = comm.indexOf("a-very");
        StringBuilder cell = new StringBuilder();
        for (int i = at; i < lines.size() && lines.get(i).length() > col && lines.get(i).charAt(col) != ' '; i++) {
            cell.append(lines.get(i).substring(col).split("\\s+")[0]);
        }
        assertEquals(longComm, cell.toString(), "a long value wraps inside its cell instead of being cut: " + out);
        String blank = lines.stream().filter(l -> l.contains(" comm ")).findFirst().orElseThrow();
        assertTrue(blank.matches(" 2\\s+main\\s+comm\\s{3,}\\S.*"), "no expectation: the cell stays blank: " + blank);
    }
}
