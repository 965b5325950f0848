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

@Command(name = "bench", description = "Benchmarks: `agent` (the agent's repeat vs a plain C fork loop), `model` (the reference model's speed and size),"
        + " `soak` (many lab runs in one JVM: does anything pile up?) and `fork-cost` (fork, vfork, clone, posix_spawn against the parent's memory).",
        subcommands = {BenchCommand.Agent.class, BenchCommand.Model.class, BenchCommand.Soak.class, ForkCostCommand.class})
final class BenchCommand extends BaseCommand {
    @Override
    int execute() {
        spec.commandLine().usage(out());
        return ExitCodes.BAD_INPUT;
    }

    @Command(name = "agent", description = {
        "The agent's `repeat` of fork/exit/wait against proclab-forkloop (plain C fork/_exit/waitpid), alternated in one run,",
        "and the round-trip cost of one observe of a process with a 256-page region. The last line is the ratio."})
    static final class Agent extends BaseCommand {
        @Option(names = "--forks", defaultValue = "10000", description = "Forks per round (default ${DEFAULT-VALUE}).")
        int forks;

        @Option(names = "--rounds", defaultValue = "5", description = "Rounds; medians are reported (default ${DEFAULT-VALUE}).")
        int rounds;

        @Mixin
        AgentOptions agentOptions;

        @Override
        int execute() throws Exception {
            try {
                new AgentBench(agentOptions.locate(), out()).run(forks, rounds);
                return ExitCodes.OK;
            } catch (AgentLocator.AgentNotFoundException e) {
                err().println("proclab bench agent: " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
    }

    @Command(name = "model", description = "fork+exit+wait steps per second, a wrap through PID_MAX_LIMIT, and the heap of 100,000 live tasks.")
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
        @Option(names = "--runs", defaultValue = "1000", description = "Consecutive lab runs (default ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--labs", split = ",", paramLabel = "ID", description = "The labs to cycle through (default: every shipped lab but slab, which is slow).")
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
            boolean steady = new SoakBench(mix, Models::kernel, agent, out(), err()).run(runs);
            return steady ? ExitCodes.OK : ExitCodes.DIFFERS;
        }
    }
}
