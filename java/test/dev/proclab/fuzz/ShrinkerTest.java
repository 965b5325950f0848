package dev.proclab.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.StepResult;
import dev.proclab.kernel.TaskView;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shrinker against a kernel with a known bug: a "real" kernel that is the model except that it
 * shows a zombie as sleeping. Whatever lab first shows the bug, the shrinker must cut it down to the
 * few steps that make a zombie and look at it, and the lab it writes must show the bug again.
 */
class ShrinkerTest {
    /** The model with one planted bug: state Z reads S. */
    static final class NoZombies implements Kernel {
        final Kernel inner = GeneratorTest.guide();

        @Override
        public String name() {
            return "real";
        }

        @Override
        public void begin(Sandbox sandbox) throws KernelException {
            inner.begin(sandbox);
        }

        @Override
        public StepResult apply(Step step) throws KernelException {
            StepResult r = inner.apply(step);
            List<Observation> obs = new ArrayList<>();
            for (Observation o : r.observations()) {
                obs.add(o.field().equals("state") && "Z".equals(o.value()) ? new Observation(o.subject(), o.field(), "S", o.skipped()) : o);
            }
            return new StepResult(r.errno(), obs, r.events());
        }

        @Override
        public List<TaskView> tasks() throws KernelException {
            return inner.tasks();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static Kernels planted() {
        return new Kernels() {
            @Override
            public Kernel model(Lab lab) {
                return GeneratorTest.guide();
            }

            @Override
            public Kernel guide() {
                return GeneratorTest.guide();
            }

            @Override
            public Kernel real(Lab lab) {
                return new NoZombies();
            }

            @Override
            public String whyNot(Lab lab) {
                return null;
            }
        };
    }

    @Test
    void aFindingIsCutDownToTheStepsThatShowIt() throws Exception {
        Kernels k = planted();
        Generator g = new Generator(k::guide);
        Trial trial = new Trial(k, Duration.ofSeconds(10));
        int shrunk = 0;
        for (long seed = 0; seed < 300 && shrunk < 5; seed++) {
            Scenario sc = g.generate(seed);
            Trial.Result r = trial.run(sc.id(), sc.text());
            assertTrue(r.valid(), r.invalid());
            if (!r.outcome().unexplainedFinding()) continue;
            assertEquals(java.util.Set.of("differs state"), r.outcome().keys(), "the planted bug is the only finding: " + r.outcome().unexplained());
            Shrinker.Shrunk s = new Shrinker(trial, 200).shrink(sc.id(), sc.sandbox(), sc.steps(), "differs state", r);
            shrunk++;
            List<Step> steps = s.steps();
            assertTrue(steps.size() < sc.steps().size() || sc.steps().size() <= 3, "seed " + seed + ": shrunk from " + sc.steps().size() + " to " + steps.size());
            String shown = LabText.render(sc.id(), "t", sc.sandbox(), steps, List.of());
            assertTrue(steps.size() <= 8, "seed " + seed + ": small: " + shown);
            // 1-minimal (what ddmin promises): without any one of its steps the lab no longer shows the bug
            for (int i = 0; i < steps.size(); i++) {
                List<Step> without = new ArrayList<>(steps);
                without.remove(i);
                Trial.Result w = trial.run(sc.id(), LabText.render(sc.id(), "t", sc.sandbox(), without, List.of()));
                assertTrue(!w.valid() || !w.outcome().keys().contains("differs state"), "step " + (i + 1) + " is not needed in\n" + shown);
            }
            assertTrue(steps.stream().anyMatch(x -> x instanceof Step.Observe), "it still looks");
            // what it writes out shows the finding again, run from its text
            String text = LabText.render(sc.id(), "shrunk", sc.sandbox(), steps, List.of("seed " + seed));
            Trial.Result again = trial.run(sc.id(), text);
            assertNotNull(again.outcome(), again.invalid());
            assertTrue(again.outcome().keys().contains("differs state"), text);
            LabParser.parse(text, sc.id() + ".yaml", sc.id());
        }
        assertTrue(shrunk >= 3, "the generator made zombies and looked at them: " + shrunk + " findings shrunk");
    }
}
