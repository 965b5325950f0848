package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.proclab.kernel.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatsTest {
    @Test
    void unrollsNestedRepeatsWithTheInnermostIndex() throws LabException {
        Lab lab = LabParser.parse("id: r\ntitle: t\nsandbox: {pid_namespace: true}\nsteps:\n"
                + "  - repeat:\n"
                + "      times: 2\n"
                + "      steps:\n"
                + "        - fork: {proc: main, child: \"p{i}\"}\n"
                + "        - repeat:\n"
                + "            times: 1\n"
                + "            steps:\n"
                + "              - signal: {proc: main, to: \"p{i}\", sig: SIGSTOP}\n"
                + "        - wait: {proc: main, for: \"p{i}\", options: [WUNTRACED]}\n"
                + "  - observe: {proc: [p0, p1], fields: [state]}\n", "r.yaml");
        assertEquals(7, Repeats.count(lab.steps()));
        List<Step> s = Repeats.unroll(lab.steps(), 100);
        assertEquals(7, s.size());
        assertEquals("p0", ((Step.Fork) s.get(0)).child());
        assertEquals("p0", ((Step.Signal) s.get(1)).to()); // inner repeat's {i} is 0
        assertEquals("p0", ((Step.Wait) s.get(2)).target());
        assertEquals("p1", ((Step.Fork) s.get(3)).child());
        assertEquals("p0", ((Step.Signal) s.get(4)).to());
        assertEquals("p1", ((Step.Wait) s.get(5)).target());
        assertEquals(List.of("p0", "p1"), ((Step.Observe) s.get(6)).procs());
        assertThrows(IllegalArgumentException.class, () -> Repeats.unroll(lab.steps(), 6));
    }
}
