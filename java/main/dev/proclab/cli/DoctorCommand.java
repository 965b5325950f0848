package dev.proclab.cli;

import dev.proclab.kernel.Capability;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.real.Machine;
import dev.proclab.real.Probe;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "doctor", description = {
    "Finds out, by trying each one, which capabilities the real side of the labs has on this machine,",
    "and prints each with yes/no and how it was found out, plus the kernel release and architecture."})
final class DoctorCommand extends BaseCommand {
    @Mixin
    AgentOptions agentOptions;

    @Override
    int execute() {
        Machine m;
        String agentLine;
        if (!Posix.isLinux()) {
            m = Machine.notLinux();
            agentLine = "not used: not Linux";
        } else {
            Path agent;
            try {
                agent = agentOptions.locate();
            } catch (AgentLocator.AgentNotFoundException e) {
                err().println("proclab doctor: " + e.getMessage());
                return ExitCodes.MACHINE;
            }
            agentLine = agent.toString();
            try {
                m = Machine.probe(agent);
            } catch (KernelException e) {
                err().println("proclab doctor: " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
        var st = style();
        out().println("kernel: " + m.release() + " " + m.machine());
        out().println("agent:  " + agentLine);
        int w = 0;
        for (Capability c : Capability.values()) w = Math.max(w, c.id().length());
        for (Capability c : Capability.values()) {
            Probe p = m.capabilities().get(c);
            String yes = p.ok() ? st.verdict(dev.proclab.compare.Verdict.MATCH, "yes") : st.verdict(dev.proclab.compare.Verdict.SKIPPED, "no ");
            out().println(String.format("%-" + (w + 1) + "s %s — %s", c.id() + ":", yes, p.how()));
        }
        return ExitCodes.OK;
    }
}
