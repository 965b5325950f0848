package dev.proclab.cli;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.LabRunner;
import dev.proclab.compare.StepListener;
import dev.proclab.compare.TreeRecorder;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.real.Machine;
import dev.proclab.real.RealKernel;
import dev.proclab.report.HtmlReport;
import dev.proclab.report.JsonReport;
import dev.proclab.report.JunitReport;
import dev.proclab.report.RunInfo;
import dev.proclab.report.TerminalReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = {
    "Runs labs on the reference model and on this machine's kernel, and compares them field by field.",
    "Exit codes: 0 all rows agree, 1 a row differs or an expectation failed, 2 bad command line or lab file, 3 the machine or agent failed."})
final class RunCommand extends BaseCommand {
    @Parameters(paramLabel = "LAB", arity = "0..*", completionCandidates = CompletionCommand.LabIds.class,
            description = "The labs to run, by id (`proclab labs` lists them).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all", description = "Runs every lab.")
    boolean all;

    @Option(names = "--file", paramLabel = "PATH", description = "Runs a lab file of your own; give it more than once for several.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--model-only", description = "Runs only the model, which works on any operating system.")
    boolean modelOnly;

    @Option(names = "--json", description = "Prints the JSON document of docs/lab-format.md instead of the table.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also writes a self-contained HTML report that steps through each lab with both kernels' process trees.")
    Path html;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Time budget of each lab (default ${DEFAULT-VALUE}); a lab past it is stopped and reported with its step.")
    int timeoutSeconds;

    @Option(names = "--repeat-ceiling", paramLabel = "N",
            description = "Most iterations a repeat may run outside a sandbox (default 100000).")
    Long repeatCeiling;

    @Option(names = "--step", description = "Stops after each step with the processes alive and shows them; reads a line: empty for the next step, r to run to the end, q to stop.")
    boolean step;

    @Option(names = "--predict", description = "Before each observe that has an expect, asks you for each expected value, and grades your answers at the end.")
    boolean predict;

    @Option(names = "--answers", paramLabel = "FILE", split = ",",
            description = "Grades the predictions in FILE (YAML: 3.kid.state: Z) without asking; several files (or a folder of them) grade a class, one line each.")
    List<Path> answers = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Also writes the results as JUnit XML, which CI systems read (one test case per row).")
    Path junit;

    @Mixin
    AgentOptions agentOptions;

    @Override
    int execute() {
        if (repeatCeiling != null) {
            if (repeatCeiling < 1) {
                err().println("proclab run: --repeat-ceiling must be at least 1");
                return ExitCodes.BAD_INPUT;
            }
            System.setProperty("proclab.repeat.ceiling", String.valueOf(repeatCeiling));
        }
        List<Lab> labs = new ArrayList<>();
        try {
            labs.addAll(Labs.resolve(ids, all, files));
        } catch (LabException e) {
            for (LabError err : e.errors()) err().println(err);
            return ExitCodes.BAD_INPUT;
        }
        List<LabError> blocked = new ArrayList<>();
        for (Lab lab : labs) blocked.addAll(dev.proclab.compare.DryRun.blockedSteps(lab.file(), lab.steps(), lab.sandbox(), Models.kernel(lab)));
        if (!blocked.isEmpty()) {
            for (LabError err : blocked) err().println(err);
            return ExitCodes.BAD_INPUT;
        }
        if (timeoutSeconds <= 0) {
            err().println("proclab run: --timeout must be a positive number of seconds");
            return ExitCodes.BAD_INPUT;
        }
        if (labs.isEmpty()) {
            err().println("proclab run: name a lab (see `proclab labs`), --all, or --file PATH");
            return ExitCodes.BAD_INPUT;
        }
        if (html != null) {
            // say it now, not after the labs ran
            String why = Reports.unwritable(html);
            if (why != null) {
                err().println("proclab run: cannot write the report " + html + ": " + why);
                return ExitCodes.BAD_INPUT;
            }
        }
        Hands hands;
        try {
            hands = Hands.of(this, labs);
        } catch (Hands.BadInput e) {
            for (String m : e.messages()) err().println(m);
            return ExitCodes.BAD_INPUT;
        }
        Machine machine = null;
        java.nio.file.Path agent = null;
        if (!modelOnly) {
            if (!Posix.isLinux()) {
                machine = Machine.notLinux();
            } else {
                try {
                    agent = agentOptions.locate();
                    machine = Machine.probe(agent);
                    Models.learn(machine);
                } catch (AgentLocator.AgentNotFoundException | KernelException e) {
                    err().println("proclab run: " + e.getMessage());
                    return ExitCodes.MACHINE;
                }
            }
        }
        if (!modelOnly) warnOfPrograms(labs);
        RunInfo info = machine == null
                ? new RunInfo(System.getProperty("os.version"), System.getProperty("os.arch"), RealSide.capabilityMap(null))
                : new RunInfo(machine.release(), machine.machine(), RealSide.capabilityMap(machine));
        TerminalReport table = new TerminalReport(out(), style(), hands.width());
        List<LabResult> results = new ArrayList<>();
        List<HtmlReport.Entry> entries = new ArrayList<>();
        Progress progress = Progress.of(labs.size() > 1 && !json && !step && !predict, err(), hands.width());
        for (Lab lab : labs) {
            String whyNot = modelOnly ? "--model-only" : RealSide.whyNot(lab, machine);
            Kernel real = whyNot == null ? new RealKernel(agent) : null;
            LabRunner runner = new LabRunner(lab.id(), lab.steps(), lab.sandbox()).withTimeout(java.time.Duration.ofSeconds(timeoutSeconds));
            TreeRecorder trees = html != null ? new TreeRecorder() : null;
            progress.show(results.size(), labs.size(), lab.id());
            runner.withListener(StepListener.both(trees, hands.listener(lab, whyNot)));
            LabResult r = runner.run(Models.kernel(lab, machine), real, whyNot);
            progress.clear();
            results.add(r);
            entries.add(new HtmlReport.Entry(lab, r, trees == null ? List.of() : trees.trees()));
            if (!json) table.lab(lab, r);
            if (hands.stopped()) break;
        }
        progress.clear();
        if (json) out().println(JsonReport.render(results, info, hands.predictionsJson(results)));
        else if (results.size() > 1) {
            out().println(style().bold("summary"));
            for (LabResult r : results) table.say("  " + table.summary(r), "    ");
        }
        if (!json) hands.printScores(results, out(), style());
        if (junit != null) {
            try {
                Files.writeString(junit, JunitReport.render(results, info), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err().println("proclab run: cannot write " + junit + ": " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
        if (html != null) {
            try {
                Files.writeString(html, HtmlReport.render(entries, info), StandardCharsets.UTF_8);
                if (!json) table.say("HTML report: " + html.toAbsolutePath(), "  ");
            } catch (IOException e) {
                err().println("proclab run: cannot write " + html + ": " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
        boolean failed = false, broken = false;
        for (LabResult r : results) {
            failed |= r.failed();
            broken |= r.failure() != null;
        }
        return broken ? ExitCodes.MACHINE : failed ? ExitCodes.DIFFERS : ExitCodes.OK;
    }

    /** A lab that is not one of proclab's own runs programs as whoever runs it: say which, before it starts. */
    private void warnOfPrograms(List<Lab> labs) {
        var lib = dev.proclab.lab.LabLibrary.standard();
        for (Lab lab : labs) {
            if (lib.isOwn(lab) || lab.execs().isEmpty()) continue;
            err().println("proclab run: " + lab.file() + " runs these programs with your privileges (uid " + Posix.euid() + "):");
            ExecList.print(lab, err(), "  ");
        }
    }
}
