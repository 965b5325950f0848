package dev.proclab.cli;

import dev.proclab.real.AgentLocator;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --agent, shared by every command that talks to the real kernel. */
public final class AgentOptions {
    @Option(names = "--agent", paramLabel = "PATH",
            description = "Uses this proclab-agent binary; without it proclab looks at -Dproclab.agent, $PROCLAB_AGENT, beside the jar, the build tree, and last the copy in the jar.")
    String agent;

    Path locate() throws AgentLocator.AgentNotFoundException {
        return AgentLocator.locate(agent);
    }
}
