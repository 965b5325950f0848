package dev.proclab.cli;

import dev.proclab.real.AgentLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** --agent, shared by every command that talks to the real kernel. */
public final class AgentOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private Path agent;

    /** A named agent that is not there is a bad command line (exit 2), not a reason to look elsewhere. */
    @Option(names = "--agent", paramLabel = "PATH",
            description = "Uses this proclab-agent binary; without it proclab looks at -Dproclab.agent, $PROCLAB_AGENT, beside the jar, the build tree, and last the copy in the jar.")
    void agent(Path p) {
        if (!Files.exists(p)) throw new ParameterException(mixee.commandLine(), "--agent " + p + ": there is no such file");
        if (!Files.isRegularFile(p)) throw new ParameterException(mixee.commandLine(), "--agent " + p + ": it is not a file");
        if (!Files.isExecutable(p)) throw new ParameterException(mixee.commandLine(), "--agent " + p + ": it is not executable");
        agent = p;
    }

    Path locate() throws AgentLocator.AgentNotFoundException {
        return AgentLocator.locate(agent == null ? null : agent.toString());
    }
}
