package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What issue 10 added to the lab format (docs/lab-format.md): signal 0, the wait options __WALL,
 * __WCLONE and __WNOTHREAD, a clone without an exit signal, observing the agent, setpgid and setsid,
 * signal handlers and masks; each form as it parses, and each mistake at its file:line:column.
 */
class FormatExtensionsTest {
    static final String HEAD = "id: t\ntitle: t\nsteps:\n";
    static final String KID = "  - fork: {proc: main, child: kid}\n";

    static List<Step> steps(String steps) throws LabException {
        return LabParser.parse(HEAD + steps, "t.yaml").steps();
    }

    static Step last(String steps) throws LabException {
        List<Step> s = steps(steps);
        return s.get(s.size() - 1);
    }

    static String error(String steps) {
        return assertThrows(LabException.class, () -> steps(steps)).first().located();
    }

    @Test
    void signalZeroOnlyChecks() throws LabException {
        assertEquals(new Step.Signal("main", "kid", "0", new Pos(5, 5)), last(KID + "  - signal: {proc: main, to: kid, sig: 0}\n"));
        assertEquals(new Step.Signal(null, "kid", "0", new Pos(5, 5)), last(KID + "  - signal: {to: kid, sig: 0}\n"));
        assertEquals("5:28: write signals by name (9 is SIGKILL); or 0 to send nothing and only check that to exists and may be"
                + " signalled; got 9", error(KID + "  - signal: {to: kid, sig: 9}\n"));
        assertEquals("5:28: unknown signal NOTHING; signals are written like SIGKILL, SIGCHLD, SIGSTOP; or 0 to send nothing and"
                + " only check that to exists and may be signalled", error(KID + "  - signal: {to: kid, sig: NOTHING}\n"));
        // only kill takes 0: a disposition is a real signal's
        assertEquals("4:31: write signals by name (SIGKILL, SIGCHLD, ...); got 0", error("  - ignore: {proc: main, sig: 0}\n"));
    }

    @Test
    void waitOptionsOfClones() throws LabException {
        Step.Wait w = (Step.Wait) last(KID + "  - wait: {proc: main, for: any, options: [__WALL, WNOHANG]}\n");
        assertEquals(List.of("__WALL", "WNOHANG"), w.options());
        assertEquals(List.of("__WCLONE"), ((Step.Wait) last(KID + "  - wait: {proc: main, for: kid, options: [__WCLONE]}\n")).options());
        assertEquals(List.of("__WNOTHREAD"), ((Step.Wait) last(KID + "  - wait: {proc: main, for: kid, options: [__WNOTHREAD]}\n")).options());
        assertEquals("5:44: unknown wait option WALL; did you mean __WALL?", error(KID + "  - wait: {proc: main, for: kid, options: [WALL]}\n"));
        assertEquals("5:54: __WCLONE is listed twice", error(KID + "  - wait: {proc: main, for: kid, options: [__WCLONE, __WCLONE]}\n"));
    }

    @Test
    void cloneWithoutExitSignal() throws LabException {
        assertEquals("none", ((Step.Clone) last("  - clone: {proc: main, child: c, flags: [], signal: none}\n")).signal());
        assertEquals("none", ((Step.Clone) last("  - clone: {proc: main, child: c, flags: [], signal: 0}\n")).signal());
        assertEquals("SIGUSR2", ((Step.Clone) last("  - clone: {proc: main, child: c, flags: [], signal: USR2}\n")).signal());
        assertEquals("4:54: unknown signal nothing; signals are written like SIGKILL, SIGCHLD, SIGSTOP; or none: the parent is sent"
                + " no signal when the child ends", error("  - clone: {proc: main, child: c, flags: [], signal: nothing}\n"));
        assertEquals("4:54: write signals by name (17 is SIGCHLD); or none: the parent is sent no signal when the child ends; got 17",
                error("  - clone: {proc: main, child: c, flags: [], signal: 17}\n"));
    }

    @Test
    void theAgentMayBeObserved() throws LabException {
        Step.Observe o = (Step.Observe) last("  - observe: {proc: [agent, main], fields: [state, children, pgid, sid],"
                + " expect: {children: [main], pgid: agent}}\n");
        assertEquals(List.of("agent", "main"), o.procs());
        assertEquals(List.of("main"), o.expect().get("children"));
        String fields = "; observe the agent's exists, state, comm, threads, kthread, tgid, pgid, sid, children";
        assertEquals("4:44: the agent's ppid is a pid of the machine's (the agent and its parent, the JVM, are outside the lab),"
                + " another on every run" + fields, error("  - observe: {proc: agent, fields: [state, ppid]}\n"));
        assertEquals("5:37: the agent has no var.x: it takes no lab step" + fields,
                error("  - set: {proc: main, var: x, value: 1}\n  - observe: {proc: agent, fields: [var.x]}\n"));
        assertEquals("4:37: the agent's minflt is its own (its memory, its work, its privileges), which the model does not follow" + fields,
                error("  - observe: {proc: agent, fields: [minflt]}\n"));
        assertEquals("4:39: the kernel subject counts the lab's processes; the agent is not one of them",
                error("  - observe: {kernel: [allocs], proc: agent, label: x}\n"));
        assertEquals("4:18: agent, the process that runs the lab (main's parent), takes no step and is no step's target; it can only be"
                + " observed: observe: {proc: agent, fields: [children]}", error("  - signal: {to: agent, sig: SIGTERM}\n"));
        assertEquals("4:31: agent is a reserved name (the lab's agent); choose another", error("  - fork: {proc: main, child: agent}\n"));
    }

    @Test
    void processGroupsAndSessions() throws LabException {
        assertEquals(new Step.SetPgid("main", null, null, new Pos(4, 5)), last("  - setpgid: {proc: main}\n"));
        assertEquals(new Step.SetPgid("main", "kid", null, new Pos(5, 5)), last(KID + "  - setpgid: {proc: main, pid: kid, pgid: 0}\n"));
        assertEquals(new Step.SetPgid("kid", null, "main", new Pos(5, 5)), last(KID + "  - setpgid: {proc: kid, pid: 0, pgid: main}\n"));
        assertEquals(new Step.SetPgid("kid", null, "agent", new Pos(5, 5)), last(KID + "  - setpgid: {proc: kid, pgid: agent}\n"));
        assertEquals(new Step.SetSid("kid", new Pos(5, 5)), last(KID + "  - setsid: {proc: kid}\n"));
        assertEquals("5:32: pid is a process name, or 0 for proc itself; pids are never written as numbers; got 42",
                error(KID + "  - setpgid: {proc: main, pid: 42}\n"));
        assertEquals("5:33: pgid is a process name, or 0 for the pid of the process that moves (a group of its own); pids are never"
                + " written as numbers; got 1", error(KID + "  - setpgid: {proc: main, pgid: 1}\n"));
        assertEquals("5:33: unknown process kdi; did you mean kid?", error(KID + "  - setpgid: {proc: main, pgid: kdi}\n"));
        assertEquals("4:32: agent, the process that runs the lab (main's parent), takes no step and is no step's target; it can only be"
                + " observed: observe: {proc: agent, fields: [children]}", error("  - setpgid: {proc: main, pid: agent}\n"));
        assertEquals("4:26: unknown key pgid in setsid; setsid takes proc", error("  - setsid: {proc: main, pgid: 0}\n"));
        assertEquals("6:20: kid has exited (at 5:5); it can only be observed, signalled and waited for",
                error(KID + "  - exit: {proc: kid, code: 0}\n  - setsid: {proc: kid}\n"));
    }

    @Test
    void handlersAndTheirCounters() throws LabException {
        List<Step> s = steps(KID + "  - handle: {proc: kid, sig: USR1}\n  - observe: {proc: kid, fields: [caught, var.caught_SIGUSR1]}\n");
        assertEquals(new Step.Handle("kid", "SIGUSR1", new Pos(5, 5)), s.get(1));
        // the counter may be observed before its handle step too: it is null until then
        steps(KID + "  - observe: {proc: kid, fields: [var.caught_SIGTERM]}\n  - handle: {proc: kid, sig: SIGTERM}\n");
        assertEquals("5:35: no set, add or handle step writes variable caught_SIGUSR2; did you mean caught_SIGUSR1?",
                error(KID + "  - observe: {proc: kid, fields: [var.caught_SIGUSR2]}\n  - handle: {proc: kid, sig: SIGUSR1}\n"));
        assertEquals("5:30: write signals by name (10 is SIGUSR1); got 10", error(KID + "  - handle: {proc: kid, sig: 10}\n"));
        assertEquals("5:5: handle needs sig (handle: {proc, sig})", error(KID + "  - handle: {proc: kid}\n"));
    }

    @Test
    void masks() throws LabException {
        assertEquals(new Step.Mask("kid", List.of("SIGUSR1", "SIGTERM"), List.of(), new Pos(5, 5)),
                last(KID + "  - mask: {proc: kid, block: [USR1, SIGTERM]}\n"));
        assertEquals(new Step.Mask("kid", List.of("SIGKILL"), List.of("SIGTSTP"), new Pos(5, 5)),
                last(KID + "  - mask: {proc: kid, block: [SIGKILL], unblock: [TSTP]}\n"));
        assertEquals("5:5: mask needs block or unblock (or both): mask: {proc: kid, block: [SIGUSR1], unblock: [SIGTERM]}",
                error(KID + "  - mask: {proc: kid}\n"));
        assertEquals("5:60: SIGUSR1 is both blocked and unblocked; name it in one of them",
                error(KID + "  - mask: {proc: kid, block: [SIGUSR1], unblock: [SIGTERM, USR1]}\n"));
        assertEquals("5:40: SIGUSR1 is listed twice", error(KID + "  - mask: {proc: kid, block: [SIGUSR1, USR1]}\n"));
        assertEquals("5:30: block must be a list [a, b, ...]; got the string \"SIGUSR1\"", error(KID + "  - mask: {proc: kid, block: SIGUSR1}\n"));
        assertEquals("5:33: unknown signal SIGUSR3; did you mean SIGUSR1?", error(KID + "  - mask: {proc: kid, unblock: [SIGUSR3]}\n"));
    }

    @Test
    void signalSets() throws LabException {
        Step.Observe o = (Step.Observe) last(KID + "  - observe: {proc: kid, fields: [pending, blocked, caught, ignored],"
                + " expect: {pending: [TERM, SIGUSR1], blocked: [], caught: [SIGCHLD]}}\n");
        // any order, any spelling: compared in signal number order, by full name
        assertEquals(List.of("SIGUSR1", "SIGTERM"), o.expect().get("pending"));
        assertEquals(List.of(), o.expect().get("blocked"));
        assertEquals("5:63: pending is a list of signal names, like [SIGUSR1, SIGTERM]; got SIGUSR1",
                error(KID + "  - observe: {proc: kid, fields: [pending], expect: {pending: SIGUSR1}}\n"));
        assertEquals("5:63: each of pending is a signal name (SIGUSR1, ...); got SIGFOO; did you mean SIGFPE?",
                error(KID + "  - observe: {proc: kid, fields: [pending], expect: {pending: [SIGFOO]}}\n"));
        assertEquals("5:63: SIGUSR1 is listed twice in blocked",
                error(KID + "  - observe: {proc: kid, fields: [blocked], expect: {blocked: [USR1, SIGUSR1]}}\n"));
    }
}
