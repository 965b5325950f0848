package dev.proclab.cli;

import dev.proclab.real.AgentLocator;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --agent, shared by every command that talks to the real kernel. */
public final class AgentOptions {
    @Option(names = "--agent", paramLabel = "PATH",
            description = "The proclab-agent binary to use (else: -Dproclab.agent, $PROCLAB_AGENT, beside the jar, the build tree, the copy in the jar).")
    String agent;

    Path locate() throws AgentLocator.AgentNotFoundException {
        return AgentLocator.locate(agent);
    }
}
