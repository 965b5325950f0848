package dev.proclab.cli;

import dev.proclab.kernel.KernelException;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.real.Machine;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "labs", description = "Lists the labs, and for each whether its real side can run here (and if not, which capability is missing).")
final class LabsCommand extends BaseCommand {
    @Mixin
    AgentOptions agentOptions;

    @Override
    int execute() {
        List<Lab> labs;
        try {
            labs = Labs.resolve(List.of(), true, List.of());
        } catch (LabException e) {
            for (LabError err : e.errors()) err().println(err);
            return ExitCodes.BAD_INPUT;
        }
        Machine machine;
        if (!Posix.isLinux()) {
            machine = Machine.notLinux();
        } else {
            try {
                machine = Machine.probe(agentOptions.locate());
            } catch (AgentLocator.AgentNotFoundException | KernelException e) {
                err().println("proclab labs: " + e.getMessage());
                machine = Machine.notLinux();
            }
        }
        int w = 0;
        for (Lab l : labs) w = Math.max(w, l.id().length());
        var st = style();
        for (Lab l : labs) {
            String why = RealSide.whyNot(l, machine);
            String here = why == null ? st.verdict(dev.proclab.compare.Verdict.MATCH, "runs here")
                    : st.verdict(dev.proclab.compare.Verdict.SKIPPED, "model only") + " (" + why + ")";
            out().println(String.format("%-" + w + "s  %s", l.id(), l.title()));
            out().println(" ".repeat(w) + "  " + here);
        }
        return ExitCodes.OK;
    }
}
