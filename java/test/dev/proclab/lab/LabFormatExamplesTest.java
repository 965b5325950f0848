package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every YAML example of LAB-FORMAT.md parses, and means what the contract says. */
class LabFormatExamplesTest {
    static Path fixture(String name) throws Exception {
        return Path.of(LabFormatExamplesTest.class.getResource("/labs/format/" + name).toURI());
    }

    @Test
    void theLabExample() throws Exception {
        Lab lab = LabParser.parseFile(fixture("zombie.yaml"));
        assertEquals("zombie", lab.id());
        assertEquals("exit() leaves a zombie until the parent waits", lab.title());
        assertEquals("LKD ch.3, Process Termination", lab.source());
        assertEquals(List.of("do_exit", "exit_notify", "EXIT_ZOMBIE", "wait4", "release_task"), lab.concepts());
        assertTrue(lab.requires().isEmpty());
        assertEquals(new Sandbox(true, null, null), lab.sandbox());
        assertEquals(List.of("What state is the child in after it exits, before its parent waits?"), lab.questions());
        List<Step> s = lab.steps();
        assertEquals(6, s.size());
        assertEquals(new Step.Fork("main", "kid", s.get(0).pos()), s.get(0));
        assertEquals(new Step.Exit("kid", 1, s.get(1).pos()), s.get(1));
        Step.Observe o = (Step.Observe) s.get(2);
        assertEquals(List.of("kid"), o.procs());
        assertEquals(List.of("state", "ppid"), o.fields());
        assertEquals(Map.of("state", "Z", "ppid", "main"), o.expect());
        assertEquals(new Step.Wait("main", "kid", List.of(), s.get(3).pos()), s.get(3));
        Step.Observe w = (Step.Observe) s.get(4);
        assertEquals(Map.of("wait", Map.of("pid", "kid", "status", 256L, "exited", true, "code", 1L)), w.expect());
        assertEquals(Map.of("exists", false), ((Step.Observe) s.get(5)).expect());
        // positions are those of the action keys
        assertEquals("10:5", s.get(0).pos().toString());
        assertEquals("15:5", s.get(5).pos().toString());
        assertEquals("  - fork:    {proc: main, child: kid}", lab.line(10));
    }

    @Test
    void theObserveExamples() throws Exception {
        Lab lab = LabParser.parseFile(fixture("observe-examples.yaml"));
        List<Step.Observe> obs = lab.observes();
        assertEquals(10, obs.size());

        Step.Observe a = obs.get(0);
        assertEquals(List.of("main", "kid"), a.procs());
        assertEquals(List.of("state", "var.buf"), a.fields());
        assertTrue(a.expect().isEmpty());

        Step.Observe b = obs.get(1);
        assertEquals(List.of("frames.heap"), b.fields());
        assertEquals(Map.of("frames.heap", Map.of("shared", 128L, "exclusive", 128L)), b.expect());

        Step.Observe c = obs.get(2);
        assertEquals(List.of("task_struct", "mm_struct"), c.slab());
        assertEquals("before", c.label());
        assertTrue(c.procs().isEmpty());
        assertNull(c.proc());

        Step.Observe d = obs.get(3);
        assertEquals(List.of("task_struct"), d.slab());
        assertEquals("before", d.since());
        assertEquals(Map.of("task_struct.active_objs", 200L), d.expect());
        assertEquals(Map.of("task_struct.active_objs", new Tolerance(10, true)), d.tolerance());

        Step.Observe e = obs.get(4);
        assertEquals(List.of("pid_max", "ns_last_pid"), e.system());

        Step.Observe f = obs.get(5);
        assertEquals(2L, f.hostPid());
        assertEquals(List.of("comm", "kthread", "ppid"), f.fields());

        Step.Observe g = obs.get(6);
        assertEquals(Map.of("wait", "why a difference is expected"), g.explain());
        assertInstanceOf(Step.Touch.class, lab.steps().get(4));

        Step.Observe h = obs.get(7);
        assertEquals("start", h.label());
        assertEquals(List.of("minflt", "vm_pte_kb"), h.fields());

        Step.Observe i = obs.get(8);
        assertEquals("start", i.since());
        assertNull(i.sinceProc(), "each process against its own reading");
        assertEquals(Map.of("minflt", new Tolerance(16, false)), i.tolerance());

        Step.Observe j = obs.get(9);
        assertEquals(List.of("kid"), j.procs());
        assertEquals("start", j.since());
        assertEquals("main", j.sinceProc(), "kid against main's reading");
        assertEquals(Map.of("vm_pte_kb", 0L), j.expect());
    }

    private static String contract() throws Exception {
        String home = System.getProperty("proclab.home", ".");
        return Files.readString(Path.of(home, "docs/lab-format.md"));
    }

    private static List<String> yamlBlocks(String doc) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        while (m.find()) blocks.add(m.group(1));
        return blocks;
    }

    /**
     * The contract (docs/lab-format.md) still holds its first two examples byte for byte, as the
     * fixtures keep them; extending the format must never break an example.
     */
    @Test
    void fixturesAreVerbatimCopiesOfTheContract() throws Exception {
        List<String> blocks = yamlBlocks(contract());
        assertTrue(blocks.size() >= 2, "docs/lab-format.md lost its examples");
        assertEquals(blocks.get(0), Files.readString(fixture("zombie.yaml")));
        assertTrue(Files.readString(fixture("observe-examples.yaml")).endsWith(blocks.get(1)));
        // the lab example is also the bundled zombie lab
        String home = System.getProperty("proclab.home", ".");
        assertEquals(blocks.get(0), Files.readString(Path.of(home, "labs/zombie.yaml")));
    }

    /** Every whole lab the contract shows (a block that starts with id:) parses. */
    @Test
    void everyWholeLabOfTheContractParses() throws Exception {
        int n = 0;
        for (String b : yamlBlocks(contract())) {
            if (!b.startsWith("id:")) continue;
            LabParser.parse(b, "docs/lab-format.md example " + (++n));
        }
        assertTrue(n >= 1);
    }
}
