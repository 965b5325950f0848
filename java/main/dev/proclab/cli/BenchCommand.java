package dev.proclab.cli;

import dev.proclab.bench.AgentBench;
import dev.proclab.real.AgentLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks: `agent` (the agent's repeat vs a plain C fork loop) and `model` (the reference model's speed and size).",
        subcommands = {BenchCommand.Agent.class, BenchCommand.Model.class})
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
}
