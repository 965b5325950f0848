package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Errors and steps point at the right token: 1-based line and column, in block and flow style. */
class PositionsTest {
    static LabError err(String text) {
        return assertThrows(LabException.class, () -> LabParser.parse(text, "p.yaml")).first();
    }

    static void at(int line, int column, String text) {
        LabError e = err(text);
        assertEquals(line + ":" + column, e.line() + ":" + e.column(), e.toString());
        assertEquals("p.yaml", e.file());
    }

    @Test
    void blockStyleValue() {
        at(7, 13, "id: p\ntitle: t\nsteps:\n  - fork: {proc: main, child: kid}\n  - exit:\n      proc: kid\n      code: \"300\"\n");
    }

    @Test
    void blockStyleKey() {
        at(7, 7, "id: p\ntitle: t\nsteps:\n  - fork: {proc: main, child: kid}\n  - exit:\n      proc: kid\n      cod: 3\n");
    }

    @Test
    void flowStyleKeyAndValue() {
        at(4, 24, "id: p\ntitle: t\nsteps:\n  - fork: {proc: main, chil: kid}\n");
        at(4, 31, "id: p\ntitle: t\nsteps:\n  - fork: {proc: main, child: \"ma in\"}\n");
    }

    @Test
    void listItems() {
        // the third item of the list
        at(4, 49, "id: p\ntitle: t\nsteps:\n  - observe: {proc: main, fields: [state, ppid, statte]}\n");
        at(3, 1, "id: p\ntitle: t\n- a\n");
    }

    @Test
    void insideRepeat() {
        String text = "id: p\ntitle: t\nsteps:\n"
                + "  - repeat:\n"
                + "      times: 2\n"
                + "      steps:\n"
                + "        - repeat:\n"
                + "            times: 2\n"
                + "            steps:\n"
                + "              - hold: {proc: main, for: soon}\n";
        at(10, 41, text);
    }

    @Test
    void stepPositionsAreTheActionKeys() throws LabException {
        Lab lab = LabParser.parse("id: p\ntitle: t\nsteps:\n"
                + "- fork: {proc: main, child: a}\n"
                + "-   exit: {proc: a, code: 0}\n"
                + "- repeat:\n"
                + "    times: 2\n"
                + "    steps:\n"
                + "      - {hold: {proc: main, for: 1ms}}\n", "p.yaml");
        List<Step> s = lab.steps();
        assertEquals(new Pos(4, 3), s.get(0).pos());
        assertEquals(new Pos(5, 5), s.get(1).pos());
        assertEquals(new Pos(6, 3), s.get(2).pos());
        assertEquals(new Pos(9, 10), ((Step.Repeat) s.get(2)).steps().get(0).pos());
    }

    @Test
    void lineColumnAfterCommentsBlankLinesAndMultiLineText() {
        at(9, 29, "# a comment\n\nid: p\ntitle: >\n  a folded\n  title\nsteps:\n  - fork: {proc: main, child: kid}\n  - exit: {proc: kid, code: 1.5}\n");
    }

    @Test
    void missingKeysPointAtTheStep() {
        at(4, 5, "id: p\ntitle: t\nsteps:\n  - fork: {proc: main}\n");
        LabError e = err("id: p\ntitle: t\nsteps:\n  - fork: {proc: main}\n");
        assertEquals("fork needs child (fork: {proc, child})", e.message());
    }

    @Test
    void malformedYamlPointsAtTheProblem() {
        at(4, 34, "id: p\ntitle: t\nsteps:\n  - fork: {proc: main, child: kid]\n");
        at(2, 9, "id: p\ntitle: t: x\nsteps: []\n");
    }
}
