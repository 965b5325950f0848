package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.proclab.kernel.Fields;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ptrace, repeat and the observe step's shapes. */
class PtraceRepeatObserveTest {
    @Test
    void ptraceShowsTAndTheTracerWaitsForTheStop() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        assertNull(l.ptrace("main", "kid"));
        assertEquals("t", l.state("kid"));
        l.waitFor("main", "kid");
        Map<String, Object> w = l.waitOf("main");
        assertEquals(0x80057fL, w.get("status"));
        assertEquals(true, w.get("stopped"));
        assertEquals("SIGTRAP", w.get("signal"));
        l.signal(null, "kid", "SIGCONT");
        assertEquals("t", l.state("kid"), "SIGCONT does not end a trace stop");
        l.signal(null, "kid", "SIGKILL");
        assertEquals("Z", l.state("kid"));
    }

    @Test
    void ptraceRules() {
        Lab l = Lab.plain();
        l.fork("main", "a");
        l.clone("main", "t", CloneTest.THREAD, null);
        assertEquals("EPERM", l.ptrace("main", "t"), "own thread group");
        l.ptrace("main", "a");
        l.fork("main", "b");
        assertEquals("EPERM", l.ptrace("b", "a"), "already traced");
        l.fork("main", "z");
        l.exit("z", 0);
        assertEquals("EPERM", l.ptrace("main", "z"));
    }

    @Test
    void yamaLetsOnlyAncestorsOrRoot() {
        Lab l = new Lab(ModelConfig.DEFAULT.withUid(1000), Sandbox.NONE);
        l.fork("main", "a");
        l.fork("main", "b");
        assertEquals("EPERM", l.ptrace("a", "b"), "a sibling, not a descendant");
        assertNull(l.ptrace("main", "b"));
    }

    @Test
    void tracerExitDetaches() {
        Lab l = Lab.plain();
        l.fork("main", "tr");
        l.fork("main", "kid");
        l.ptrace("tr", "kid");
        l.exit("tr", 0);
        assertEquals("S", l.state("kid"));
    }

    @Test
    void repeatExpandsInnermostI() {
        Lab l = Lab.ns();
        l.repeat(2, new Step.Fork("main", "p{i}", Pos.NONE),
                new Step.Repeat(3, List.of(new Step.Fork("p0", "c{i}", Pos.NONE)), Pos.NONE));
        assertEquals(List.of("p0", "p1"), l.get("main", "children"));
        assertEquals(List.of("c0", "c1", "c2"), l.get("p0", "children"));
        assertEquals(true, l.get("c2", "exists"));
    }

    @Test
    void everyProcessFieldIsAnswered() {
        Lab l = Lab.plain();
        l.fork("main", "kid");
        List<String> fields = new java.util.ArrayList<>(Fields.PROCESS);
        fields.addAll(List.of("var.x", "frames.heap", "flags.PF_KTHREAD"));
        List<Observation> obs = l.observe(Lab.procs(List.of("main", "kid"), fields));
        assertEquals(2 * fields.size(), obs.size());
        for (Observation o : obs) assertFalse(o.isSkipped(), o.toString());
        assertEquals("main", obs.get(0).subject());
        assertEquals("exists", obs.get(0).field());
    }

    @Test
    void unknownNamesAndFields() {
        Lab l = Lab.plain();
        assertEquals(false, l.get("ghost", "exists"));
        assertNull(l.get("ghost", "state"));
        assertTrue(l.observe(Lab.procs(List.of("main"), List.of("bogus"))).get(0).isSkipped());
        assertTrue(l.observe(Lab.procs(List.of("main"), List.of("flags.PF_BOGUS"))).get(0).isSkipped());
        assertThrows(AssertionError.class, () -> l.fork("ghost", "x"));
    }

    @Test
    void observeIgnoresExpectations() {
        Lab l = Lab.plain();
        var o = new Step.Observe(List.of("main"), null, List.of("state"), null, null, null, null, Map.of("state", "Z"), Map.of(),
                Map.of("state", "why"), Pos.NONE);
        assertEquals("S", l.observe(o).get(0).value());
    }

    @Test
    void systemAndSlabInOneObserve() {
        Lab l = Lab.plain();
        var o = new Step.Observe(List.of(), null, List.of(), List.of("pid"), List.of("pid_max", "bogus"), null, null, Map.of(),
                Map.of(), Map.of(), Pos.NONE);
        List<Observation> obs = l.observe(o);
        assertEquals(2 + 5, obs.size());
        assertEquals(32768L, obs.get(0).value());
        assertTrue(obs.get(1).isSkipped());
    }
}
