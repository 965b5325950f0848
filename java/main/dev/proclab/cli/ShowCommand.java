package dev.proclab.cli;

import dev.proclab.kernel.Capability;
import dev.proclab.kernel.Step;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Prints a lab's sheet (title, concepts, questions to predict, steps) without running it.")
final class ShowCommand extends BaseCommand {
    @Parameters(paramLabel = "LAB", arity = "0..1", completionCandidates = CompletionCommand.LabIds.class,
            description = "The lab to show, by id (`proclab labs` lists them).")
    String id;

    @Option(names = "--file", paramLabel = "PATH", description = "Shows a lab file of your own instead.")
    Path file;

    @Override
    int execute() {
        Lab lab;
        try {
            List<Lab> labs = Labs.resolve(id == null ? List.of() : List.of(id), false, file == null ? List.of() : List.of(file));
            if (labs.size() != 1) {
                err().println("proclab show: name one lab (see `proclab labs`) or --file PATH");
                return ExitCodes.BAD_INPUT;
            }
            lab = labs.get(0);
        } catch (LabException e) {
            for (LabError err : e.errors()) err().println(err);
            return ExitCodes.BAD_INPUT;
        }
        var st = style();
        out().println(st.bold(lab.title()) + "  (" + lab.id() + ")");
        if (lab.source() != null) out().println("source:   " + lab.source());
        if (!lab.concepts().isEmpty()) out().println("concepts: " + String.join(", ", lab.concepts()));
        List<String> needs = new ArrayList<>();
        for (Capability c : RealSide.needs(lab)) needs.add(c.id());
        out().println("needs:    " + String.join(", ", needs));
        if (!lab.questions().isEmpty()) {
            out().println();
            out().println(st.bold("Questions — predict before you run it:"));
            int i = 1;
            for (String q : lab.questions()) out().println("  " + (i++) + ". " + q);
        }
        out().println();
        out().println(st.bold("Steps:"));
        int n = 1;
        for (Step s : lab.steps()) out().println(String.format("  %2d  %s", n++, lab.line(s.pos().line()).trim().replaceFirst("^- ", "")));
        if (!lab.execs().isEmpty()) {
            out().println();
            out().println(st.bold("Programs it runs (with your privileges):"));
            ExecList.print(lab, out(), "  ");
        }
        out().println();
        out().println("Run it: proclab run " + (file != null ? "--file " + file : lab.id()));
        return ExitCodes.OK;
    }
}
