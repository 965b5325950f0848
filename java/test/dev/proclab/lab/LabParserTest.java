package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Capability;
import dev.proclab.kernel.Duration;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each step form becomes, for labs that are right. */
class LabParserTest {
    static final String HEAD = "id: t\ntitle: t\nsteps:\n";

    static List<Step> steps(String steps) throws LabException {
        return LabParser.parse(HEAD + steps, "t.yaml").steps();
    }

    static Step one(String prelude, String step) throws LabException {
        List<Step> s = steps(prelude + step);
        return s.get(s.size() - 1);
    }

    static String error(String steps) {
        return assertThrows(LabException.class, () -> steps(steps)).first().located();
    }

    static final String KID = "  - fork: {proc: main, child: kid}\n";

    @Test
    void processSteps() throws LabException {
        List<Step> s = steps(KID
                + "  - vfork: {proc: kid, child: v}\n"
                + "  - exec: {proc: v, argv: [/bin/ls, -al, 42]}\n"
                + "  - clone: {proc: main, child: t, flags: [CLONE_VM, CLONE_THREAD, CLONE_SIGHAND]}\n"
                + "  - clone: {proc: main, child: c, flags: [], signal: USR1}\n"
                + "  - exit: {proc: t, code: 255}\n");
        assertEquals(new Step.VFork("kid", "v", s.get(1).pos()), s.get(1));
        assertEquals(List.of("/bin/ls", "-al", "42"), ((Step.Exec) s.get(2)).argv());
        Step.Clone t = (Step.Clone) s.get(3);
        assertEquals(List.of("CLONE_VM", "CLONE_THREAD", "CLONE_SIGHAND"), t.flags());
        assertNull(t.signal());
        assertEquals("SIGUSR1", ((Step.Clone) s.get(4)).signal());
        assertEquals(255, ((Step.Exit) s.get(5)).code());
    }

    @Test
    void signalsAreNormalisedToSigNames() throws LabException {
        assertEquals(new Step.Signal(null, "kid", "SIGKILL", new dev.proclab.kernel.Pos(5, 5)),
                one(KID, "  - signal: {to: kid, sig: KILL}\n"));
        assertEquals("main", ((Step.Signal) one(KID, "  - signal: {to: kid, sig: SIGSTOP, proc: main}\n")).proc());
        assertEquals("SIGCHLD", ((Step.Ignore) one("", "  - ignore: {proc: main, sig: CHLD}\n")).sig());
    }

    @Test
    void waits() throws LabException {
        Step.Wait w = (Step.Wait) one(KID, "  - wait: {proc: main, for: any, options: [WNOHANG, WUNTRACED]}\n");
        assertEquals("any", w.target());
        assertEquals(List.of("WNOHANG", "WUNTRACED"), w.options());
        assertEquals(List.of(), ((Step.Wait) one(KID, "  - wait: {proc: main, for: kid}\n")).options());
    }

    @Test
    void durations() throws LabException {
        assertEquals(new Duration(200_000), ((Step.Hold) one("", "  - hold: {proc: main, for: 200ms}\n")).duration());
        assertEquals(new Duration(2_000_000), ((Step.Spin) one("", "  - spin: {proc: main, for: 2s}\n")).duration());
        assertEquals(new Duration(500), ((Step.Pause) one("", "  - pause: {for: 500us}\n")).duration());
        assertEquals(new Duration(150_000), ((Step.Pause) one("", "  - pause: {for: 150}\n")).duration());
        assertEquals(new Duration(1_500_000), ((Step.Pause) one("", "  - pause: {for: 1.5s}\n")).duration());
        assertEquals(new Duration(0), ((Step.Pause) one("", "  - pause: {for: 0}\n")).duration());
        assertEquals("4:18: a duration cannot be negative; got -5", error("  - pause: {for: -5}\n"));
        assertEquals("4:18: expected a duration like 200ms, 2s or 500us (a bare number is ms); got the string \"2m\"",
                error("  - pause: {for: 2m}\n"));
    }

    @Test
    void memory() throws LabException {
        String map = "  - map: {proc: main, region: heap, pages: 16}\n";
        assertEquals(new Step.MapRegion("main", "heap", 16, new dev.proclab.kernel.Pos(4, 5)), steps(map).get(0));
        Step.Touch all = (Step.Touch) one(map, "  - touch: {proc: main, region: heap, pages: all}\n");
        assertEquals(PageRange.ALL, all.pages());
        assertTrue(all.write());
        Step.Touch n = (Step.Touch) one(map, "  - touch: {proc: main, region: heap, pages: 4, mode: read}\n");
        assertEquals(PageRange.firstN(4), n.pages());
        assertFalse(n.write());
        assertEquals(PageRange.of(2, 15), ((Step.Touch) one(map, "  - touch: {proc: main, region: heap, pages: 2-15}\n")).pages());
        assertEquals("5:46: pages 4-16 reach past region heap (16 pages: 0-15)",
                error(map + "  - touch: {proc: main, region: heap, pages: 4-16}\n"));
        assertEquals("5:46: pages must be at least 1 (or all, or A-B); got 0",
                error(map + "  - touch: {proc: main, region: heap, pages: 0}\n"));
        Step.SetVar set = (Step.SetVar) one("", "  - set: {proc: main, var: buf, value: -3}\n");
        assertEquals(-3, set.value());
        assertEquals(new Step.AddVar("main", "buf", 5, new dev.proclab.kernel.Pos(4, 5)),
                one("", "  - add: {proc: main, var: buf, value: 5}\n"));
    }

    @Test
    void credentialsAndLimits() throws LabException {
        assertEquals(1000, ((Step.SetUid) one("", "  - setuid: {proc: main, uid: 1000}\n")).uid());
        Step.Rlimit r = (Step.Rlimit) one("", "  - rlimit: {proc: main, resource: RLIMIT_NPROC, value: 20}\n");
        assertEquals("NPROC", r.resource());
        assertEquals(20, r.value());
        assertEquals(-1, ((Step.Rlimit) one("", "  - rlimit: {proc: main, resource: NPROC, value: unlimited}\n")).value());
        assertEquals(new Step.Ptrace("main", "kid", new dev.proclab.kernel.Pos(5, 5)), one(KID, "  - ptrace: {proc: main, attach: kid}\n"));
        assertEquals(new Step.Subreaper("main", new dev.proclab.kernel.Pos(4, 5)), one("", "  - subreaper: {proc: main}\n"));
        assertEquals(new Step.Block("kid", new dev.proclab.kernel.Pos(5, 5)), one(KID, "  - block: {proc: kid}\n"));
        assertEquals("5:33: a process cannot trace itself", error(KID + "  - ptrace: {proc: kid, attach: kid}\n"));
    }

    @Test
    void repeatAndIndexedNames() throws LabException {
        List<Step> s = steps("  - repeat:\n"
                + "      times: 3\n"
                + "      steps:\n"
                + "        - fork: {proc: main, child: \"w{i}\"}\n"
                + "        - exit:\n"
                + "            proc: w{i}\n"
                + "            code: 0\n"
                + "  - wait: {proc: main, for: w2}\n"
                + "  - observe: {proc: [w0, w1], fields: [state]}\n");
        Step.Repeat r = (Step.Repeat) s.get(0);
        assertEquals(3, r.times());
        assertEquals(new Step.Fork("main", "w{i}", new dev.proclab.kernel.Pos(7, 11)), r.steps().get(0));
        assertEquals(new Step.Exit("w{i}", 0, new dev.proclab.kernel.Pos(8, 11)), r.steps().get(1));
        assertEquals("w2", ((Step.Wait) s.get(1)).target());
        assertEquals("8:29: unknown process w3; a process is main or the child of an earlier fork, vfork or clone",
                error("  - repeat:\n      times: 3\n      steps:\n        - fork: {proc: main, child: \"w{i}\"}\n"
                        + "  - wait: {proc: main, for: w3}\n"));
    }

    @Test
    void observeForms() throws LabException {
        Step.Observe o = (Step.Observe) one(KID, "  - observe: {proc: kid, fields: [ppid, children, flags, flags.PF_FORKNOEXEC, errno],"
                + " expect: {ppid: main, children: [], flags.PF_FORKNOEXEC: true, errno: ~}, tolerance: {ppid: 0}}\n");
        assertEquals(List.of("kid"), o.procs());
        assertEquals("kid", o.proc());
        Map<String, Object> expect = o.expect();
        assertEquals("main", expect.get("ppid"));
        assertEquals(List.of(), expect.get("children"));
        assertEquals(true, expect.get("flags.PF_FORKNOEXEC"));
        assertTrue(expect.containsKey("errno"));
        assertNull(expect.get("errno"));
        assertEquals(new Tolerance(0, false), o.tolerance().get("ppid"));
        Step.Observe w = (Step.Observe) one(KID, "  - observe: {proc: main, fields: [wait], expect: {wait: {pid: kid, signaled: true, signal: KILL}}}\n");
        assertEquals(Map.of("pid", "kid", "signaled", true, "signal", "SIGKILL"), w.expect().get("wait"));
        Step.Observe sys = (Step.Observe) one("", "  - observe: {system: [threads_max], expect: {threads_max: 1000}, tolerance: {threads_max: 5%}}\n");
        assertEquals(Map.of("threads_max", 1000L), sys.expect());
        assertEquals(new Tolerance(5, true), sys.tolerance().get("threads_max"));
        assertEquals("5:73: unknown key sharde in frames.heap; did you mean shared?",
                error("  - map: {proc: main, region: heap, pages: 4}\n"
                        + "  - observe: {proc: main, fields: [frames.heap], expect: {frames.heap: {sharde: 1}}}\n")
                        );
    }

    @Test
    void labHeader() throws LabException {
        Lab lab = LabParser.parse("id: pid-wrap\ntitle: pids wrap around\nsource: LKD ch.3\nrequires: [root, pid-namespace]\n"
                + "sandbox: {pid_namespace: true, pid_max: 400, pids_max: 64}\nquestions:\n  - Which pid comes after pid_max?\n"
                + "steps:\n  - fork: {proc: main, child: kid}\n", "pid-wrap.yaml", "pid-wrap");
        assertEquals(Set.of(Capability.ROOT, Capability.PID_NAMESPACE), lab.requires());
        assertEquals(new Sandbox(true, 400, 64), lab.sandbox());
        assertEquals(List.of("Which pid comes after pid_max?"), lab.questions());
        assertEquals(List.of(), lab.concepts());
        assertEquals("pid-wrap.yaml", lab.file());
        assertNull(lab.path());
        assertTrue(lab.needs(Capability.ROOT));
        // a sandboxed lab may create many processes
        LabParser.parse("id: many\ntitle: t\nsandbox: {pids_max: 100}\nsteps:\n  - repeat:\n      times: 5000\n"
                + "      steps:\n        - fork: {proc: main, child: \"w{i}\"}\n", "many.yaml");
    }

    @Test
    void severalErrorsAreCollectedInFileOrder() {
        LabException e = assertThrows(LabException.class, () -> LabParser.parse(
                "id: Bad\ntitle: [x]\nsteps:\n  - fork: {proc: main, child: kid}\n  - exit: {proc: kid, code: x}\n"
                        + "  - wait: {proc: main, for: kdi}\n", "bad.yaml"));
        assertEquals(List.of(
                "bad.yaml:1:5: id Bad is not kebab-case (lower-case letters and digits, words joined by '-': fork-exec)",
                "bad.yaml:2:8: title must be text; got a list",
                "bad.yaml:5:29: code must be an integer; got the string \"x\"",
                "bad.yaml:6:29: unknown process kdi; did you mean kid?"),
                e.errors().stream().map(LabError::toString).toList());
        assertEquals(String.join("\n", e.errors().stream().map(LabError::toString).toList()), e.getMessage());
    }
}
