package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Fields;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestTest {
    @Test
    void distances() {
        assertEquals(0, Suggest.distance("fork", "fork"));
        assertEquals(1, Suggest.distance("frok", "fork"));      // one swap
        assertEquals(1, Suggest.distance("stat", "state"));     // one insertion
        assertEquals(1, Suggest.distance("SIGKIL", "SIGKILL"));
        assertEquals(1, Suggest.distance("wiat", "wait"));
        assertEquals(4, Suggest.distance("fork", "exit"));
        assertEquals(3, Suggest.distance("kitten", "sitting"));
    }

    @Test
    void closestNames() {
        assertEquals("fork", Suggest.closest("frok", LabParser.STEPS));
        assertEquals("observe", Suggest.closest("obsrve", LabParser.STEPS));
        assertEquals("state", Suggest.closest("stat", Fields.PROCESS));
        assertEquals("SIGKILL", Suggest.closest("SIGKIL", LabParser.SIGNALS));
        assertEquals("fork", Suggest.closest("FORK", LabParser.STEPS));
        assertNull(Suggest.closest("teleport", LabParser.STEPS));
        assertNull(Suggest.closest("", LabParser.STEPS));
        assertEquals("; did you mean exit?", Suggest.didYouMean("exti", LabParser.STEPS));
        assertEquals("", Suggest.didYouMean("zzzz", List.of("fork")));
    }

    static String firstError(String steps) {
        String text = "id: t\ntitle: t\nsteps:\n" + steps;
        LabException e = assertThrows(LabException.class, () -> LabParser.parse(text, "t.yaml"));
        return e.first().located();
    }

    @Test
    void suggestionsInMessages() {
        assertEquals("4:5: unknown step frok; did you mean fork?", firstError("  - frok: {proc: main, child: kid}\n"));
        assertEquals("4:36: unknown field stat; did you mean state?", firstError("  - observe: {proc: main, fields: [stat]}\n"));
        assertEquals("5:28: unknown signal SIGKIL; did you mean SIGKILL?",
                firstError("  - fork: {proc: main, child: kid}\n  - signal: {to: kid, sig: SIGKIL}\n"));
        assertEquals("5:28: unknown signal KIL; did you mean SIGKILL?",
                firstError("  - fork: {proc: main, child: kid}\n  - signal: {to: kid, sig: KIL}\n"));
        assertEquals("4:43: unknown clone flag CLONE_THRED; did you mean CLONE_THREAD?",
                firstError("  - clone: {proc: main, child: t, flags: [CLONE_THRED]}\n"));
        assertEquals("4:43: unknown clone flag VM; did you mean CLONE_VM?",
                firstError("  - clone: {proc: main, child: t, flags: [VM]}\n"));
        assertEquals("4:21: unknown key prc in exit; did you mean proc?", firstError("  - exit: {code: 0, prc: main}\n"));
        assertEquals("4:36: unknown resource NPOC; did you mean NPROC?",
                firstError("  - rlimit: {proc: main, resource: NPOC, value: 10}\n"));
        assertEquals("4:27: unknown key fileds in observe; did you mean fields?",
                firstError("  - observe: {proc: main, fileds: [state]}\n"));
        assertEquals("4:36: unknown field frame.heap; did you mean frames.heap?",
                firstError("  - observe: {proc: main, fields: [frame.heap]}\n"));
        assertEquals("5:18: unknown process mian; did you mean main?",
                firstError("  - fork: {proc: main, child: kid}\n  - exit: {proc: mian, code: 0}\n"));
    }
}
