package dev.proclab.cli;

import dev.proclab.bench.AgentBench;
import dev.proclab.bench.SoakBench;
import dev.proclab.kernel.KernelException;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.real.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Runs a benchmark: `agent` (the agent's repeat against a plain C fork loop), `model` (the reference model's speed and size),"
        + " `soak` (many lab runs in one JVM, to see whether anything piles up), `trace` (what the kernel subject's tracing costs a fork loop)"
        + " or `fork-cost` (fork, vfork, clone, posix_spawn against the parent's memory).",
        subcommands = {BenchCommand.Agent.class, BenchCommand.Model.class, BenchCommand.Soak.class, BenchCommand.Trace.class, ForkCostCommand.class})
final class BenchCommand extends BaseCommand {
    @Override
    int execute() {
        spec.commandLine().usage(out());
        return ExitCodes.BAD_INPUT;
    }

    /** The size of a benchmark's fork loops. */
    static final class Loop {
        @Option(names = "--forks", defaultValue = "10000", description = "Sets the forks of each round (default ${DEFAULT-VALUE}).")
        int forks;

        @Option(names = "--rounds", defaultValue = "5", description = "Sets the number of rounds, whose medians are reported (default ${DEFAULT-VALUE}).")
        int rounds;
    }

    @Command(name = "agent", description = {
        "The agent's `repeat` of fork/exit/wait against proclab-forkloop (plain C fork/_exit/waitpid), alternated in one run,",
        "and the round-trip cost of one observe of a process with a 256-page region. The last line is the ratio."})
    static final class Agent extends BaseCommand {
        @Mixin
        Loop loop;

        @Mixin
        AgentOptions agentOptions;

        @Override
        int execute() throws Exception {
            if (loop.forks < 1 || loop.rounds < 1) {
                err().println("proclab bench agent: --forks and --rounds must be at least 1");
                return ExitCodes.BAD_INPUT;
            }
            try {
                new AgentBench(agentOptions.locate(), out()).run(loop.forks, loop.rounds);
                return ExitCodes.OK;
            } catch (AgentLocator.AgentNotFoundException e) {
                err().println("proclab bench agent: " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
    }

    @Command(name = "trace", description = {
        "The agent's fork loop with the kernel subject's tracing on against the same loop with it off, alternated in one run.",
        "Printed: both loops' rates and their ratio (wall clock), and last the ratio of the CPU time a traced fork takes to an",
        "untraced one's (1.10: tracing costs a fork 10% more), the median over pairs of rounds. Needs root.",
        "Exit codes: 0 measured, 2 bad command line, 3 no agent, not Linux, or tracing not available."})
    static final class Trace extends BaseCommand {
        @Mixin
        Loop loop;

        @Option(names = "--fields", split = ",", paramLabel = "FIELD",
                description = "Names the kernel fields to trace, as a lab's kernel label names them (default: allocs,frees,events,stack.task_struct).")
        List<String> fields;

        @Mixin
        AgentOptions agentOptions;

        @Override
        int execute() throws Exception {
            if (loop.forks < 1 || loop.rounds < 1) {
                err().println("proclab bench trace: --forks and --rounds must be at least 1");
                return ExitCodes.BAD_INPUT;
            }
            List<String> fs = fields == null ? dev.proclab.bench.TraceBench.DEFAULT_FIELDS : fields;
            for (String f : fs) {
                if (!dev.proclab.kernel.Fields.isKernelField(f)) {
                    err().println("proclab bench trace: not a kernel field: " + f);
                    return ExitCodes.BAD_INPUT;
                }
            }
            if (!Posix.isLinux()) {
                err().println("proclab bench trace: tracing needs the real kernel, and this is not Linux");
                return ExitCodes.MACHINE;
            }
            try {
                double r = new dev.proclab.bench.TraceBench(agentOptions.locate(), out()).run(loop.forks, loop.rounds, fs);
                return Double.isNaN(r) ? ExitCodes.MACHINE : ExitCodes.OK;
            } catch (AgentLocator.AgentNotFoundException e) {
                err().println("proclab bench trace: " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
    }

    @Command(name = "model", description = "Measures the model's fork+exit+wait steps per second, a wrap through PID_MAX_LIMIT, and the heap of 100,000 live tasks.")
    static final class Model extends BaseCommand {
        @Override
        int execute() throws Exception {
            for (String line : dev.proclab.bench.ModelBench.lines(dev.proclab.bench.ModelBench.run())) out().println(line);
            return ExitCodes.OK;
        }
    }

    @Command(name = "soak", description = {
        "Runs labs one after another in this JVM, model and real, and compares processes, this JVM's descendants, agents,",
        "open file descriptors, heap (after a full GC) and threads after the first run and after the last.",
        "Exit codes: 0 the figures came back and no run failed, 1 a figure moved or a run failed, 2 bad command line, 3 no agent or not Linux."})
    static final class Soak extends BaseCommand {
        @Option(names = "--runs", defaultValue = "1000", description = "Sets the number of consecutive lab runs (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--labs", split = ",", paramLabel = "ID", description = "Names the labs to cycle through (by default every shipped lab but slab, which is slow).")
        List<String> labs;

        @Mixin
        AgentOptions agentOptions;

        @Override
        int execute() throws Exception {
            if (runs < 1) {
                err().println("proclab bench soak: --runs must be at least 1");
                return ExitCodes.BAD_INPUT;
            }
            if (!Posix.isLinux()) {
                err().println("proclab bench soak: the soak needs the real kernel, and this is not Linux");
                return ExitCodes.MACHINE;
            }
            Path agent;
            Machine machine;
            try {
                agent = agentOptions.locate();
                machine = Machine.probe(agent);
                Models.learn(machine);
            } catch (AgentLocator.AgentNotFoundException | KernelException e) {
                err().println("proclab bench soak: " + e.getMessage());
                return ExitCodes.MACHINE;
            }
            List<Lab> mix = new ArrayList<>();
            try {
                for (Lab lab : Labs.resolve(labs == null ? SoakBench.DEFAULT_MIX : labs, false, List.of())) {
                    String whyNot = RealSide.whyNot(lab, machine);
                    if (whyNot == null) mix.add(lab);
                    else err().println("proclab bench soak: leaving out " + lab.id() + ": its real side cannot run here (" + whyNot + ")");
                }
            } catch (LabException e) {
                for (LabError le : e.errors()) err().println(le);
                return ExitCodes.BAD_INPUT;
            }
            if (mix.isEmpty()) {
                err().println("proclab bench soak: no lab whose real side can run here");
                return ExitCodes.MACHINE;
            }
            Progress bar = Progress.of(true, err(), Terminal.width());
            boolean steady;
            try {
                steady = new SoakBench(mix, Models::kernel, agent, out(), err()).onProgress((done, lab) -> bar.show(done, runs, lab)).run(runs);
            } finally {
                bar.clear();
            }
            return steady ? ExitCodes.OK : ExitCodes.DIFFERS;
        }
    }
}
