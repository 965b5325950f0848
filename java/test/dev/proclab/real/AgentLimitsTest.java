package dev.proclab.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.CloneFlags;
import dev.proclab.kernel.Duration;
import dev.proclab.kernel.Event;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Limits;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Step;
import dev.proclab.lab.LabParser;
import dev.proclab.posix.Posix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One set of rules: whatever the parser accepts, the agent runs. Each limit of kernel.Limits and
 * each list the parser knows (clone flags, wait options, signals, resources) is sent to the agent at
 * its edge, as Commands makes the line from the Step the parser would make: no line may be refused.
 */
class AgentLimitsTest {
    private static final Pos P = Pos.NONE;
    private AgentConnection agent;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Posix.isLinux(), "the agent runs on Linux");
        agent = AgentConnection.start(Path.of(System.getProperty("proclab.agent", "target/cmake/bin/proclab-agent")));
    }

    @AfterEach
    void stop() {
        if (agent != null) agent.close();
    }

    private JsonNode call(String line) throws KernelException {
        return agent.call(line, 30_000, new ArrayList<Event>());
    }

    /** Taken by the agent: a result (ok or an errno of the kernel), never a refusal of the line. */
    private JsonNode run(Step s) throws KernelException {
        JsonNode r = call(Commands.of(s)); // an error line throws BAD_STEP: the agent refused what the parser accepts
        assertEquals("result", r.path("type").asText(), r.toString());
        return r;
    }

    private static void ok(JsonNode r) {
        assertTrue(r.path("ok").asBoolean(), r.toString());
    }

    @Test
    void namesOfTheLongestLengthWithHyphens() throws Exception {
        ok(call("start"));
        String name = "a-" + "b".repeat(Limits.NAME_BYTES - 2);
        assertEquals(Limits.NAME_BYTES, name.length());
        ok(run(new Step.Fork("main", name, P)));
        ok(run(new Step.SetVar(name, "v" + "x".repeat(Limits.NAME_BYTES - 1), 1, P)));
        ok(run(new Step.MapRegion(name, "r" + "x".repeat(Limits.NAME_BYTES - 1), 1, P)));
        // in a repeat, {i} grows the name up to the last iteration's number
        String tmpl = "w-" + "b".repeat(Limits.NAME_BYTES - 2 - 1) + "{i}";
        JsonNode r = run(new Step.Repeat(10, List.of(new Step.Fork("main", tmpl, P)), P));
        assertEquals(0, r.path("failed").asInt(), r.toString());
    }

    @Test
    void repeatsNestedAsDeepAsTheParserAllows() throws Exception {
        ok(call("start"));
        Step body = new Step.AddVar("main", "x", 1, P);
        for (int d = 0; d < Limits.REPEAT_DEPTH; d++) body = new Step.Repeat(1, List.of(body), P);
        JsonNode r = run(body);
        assertEquals(0, r.path("failed").asInt(), r.toString());
    }

    @Test
    void everyCloneFlagEveryWaitOptionEverySignalEveryResource() throws Exception {
        ok(call("start"));
        for (String f : CloneFlags.allNames()) run(new Step.Clone("main", "c_" + f.toLowerCase(), List.of(f), null, P));
        List<String> opts = new ArrayList<>(LabParser.WAIT_OPTIONS);
        opts.add("WNOHANG");
        for (String o : LabParser.WAIT_OPTIONS) run(new Step.Wait("main", "any", List.of(o, "WNOHANG"), P));
        for (String sig : LabParser.SIGNALS) run(new Step.Ignore("main", sig, P));
        for (String res : LabParser.RLIMITS) {
            run(new Step.Rlimit("main", res, -1, P)); // unlimited
            run(new Step.Rlimit("main", res, Long.MAX_VALUE, P));
        }
    }

    @Test
    void exitCodesDurationsPagesAndArgvAtTheirEdges() throws Exception {
        JsonNode sb = call("sandbox pids_max=" + Limits.PID_MAX_LIMIT);
        assertFalse(sb.path("type").asText().equals("error"), sb.toString());
        ok(call("start"));
        ok(run(new Step.Fork("main", "lo", P)));
        ok(run(new Step.Exit("lo", Integer.MIN_VALUE, P)));
        ok(run(new Step.Fork("main", "hi", P)));
        ok(run(new Step.Exit("hi", Integer.MAX_VALUE, P)));
        ok(run(new Step.Fork("main", "m", P)));
        ok(run(new Step.MapRegion("m", "big", Limits.MAP_PAGES, P)));
        ok(run(new Step.Fork("main", "h", P)));
        ok(run(new Step.Hold("h", Duration.ofMillis(Limits.DURATION_MS), P)));
        List<String> argv = new ArrayList<>(Collections.nCopies(Limits.ARGV_WORDS - 1, "\"\u001b\\"));
        argv.add(0, "/bin/true");
        while (String.join(" ", argv).length() + argv.size() > Limits.ARGV_BYTES) argv.remove(argv.size() - 1);
        ok(run(new Step.Fork("main", "e", P)));
        run(new Step.Exec("e", argv, P));
    }
}
