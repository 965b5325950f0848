package dev.proclab.cli;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.LabRunner;
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
    @Parameters(paramLabel = "LAB", arity = "0..*", description = "Lab ids (see `proclab labs`).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all", description = "Every lab.")
    boolean all;

    @Option(names = "--file", paramLabel = "PATH", description = "A lab file of your own (repeatable).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--model-only", description = "Run only the model (works on any OS).")
    boolean modelOnly;

    @Option(names = "--json", description = "Print the JSON document of LAB-FORMAT.md instead of the table.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with process-tree pictures.")
    Path html;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Time budget of each lab (default ${DEFAULT-VALUE}); a lab past it is stopped and reported with its step.")
    int timeoutSeconds;

    @Option(names = "--repeat-ceiling", paramLabel = "N",
            description = "Most iterations a repeat may run outside a sandbox (default 100000).")
    Long repeatCeiling;

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
        if (timeoutSeconds <= 0) {
            err().println("proclab run: --timeout must be a positive number of seconds");
            return ExitCodes.BAD_INPUT;
        }
        if (labs.isEmpty()) {
            err().println("proclab run: name a lab (see `proclab labs`), --all, or --file PATH");
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
                } catch (AgentLocator.AgentNotFoundException | KernelException e) {
                    err().println("proclab run: " + e.getMessage());
                    return ExitCodes.MACHINE;
                }
            }
        }
        RunInfo info = machine == null
                ? new RunInfo(System.getProperty("os.version"), System.getProperty("os.arch"), RealSide.capabilityMap(null))
                : new RunInfo(machine.release(), machine.machine(), RealSide.capabilityMap(machine));
        TerminalReport table = new TerminalReport(out(), style());
        List<LabResult> results = new ArrayList<>();
        List<HtmlReport.Entry> entries = new ArrayList<>();
        for (Lab lab : labs) {
            String whyNot = modelOnly ? "--model-only" : RealSide.whyNot(lab, machine);
            Kernel real = whyNot == null ? new RealKernel(agent) : null;
            LabRunner runner = new LabRunner(lab.id(), lab.steps(), lab.sandbox()).withTimeout(java.time.Duration.ofSeconds(timeoutSeconds));
            if (html != null) runner.withTrees();
            LabResult r = runner.run(Models.kernel(lab, machine), real, whyNot);
            results.add(r);
            entries.add(new HtmlReport.Entry(lab, r));
            if (!json) table.lab(lab.title(), r);
        }
        if (json) out().println(JsonReport.render(results, info));
        else if (results.size() > 1) {
            out().println(style().bold("summary"));
            for (LabResult r : results) out().println("  " + table.summary(r));
        }
        if (html != null) {
            try {
                Files.writeString(html, HtmlReport.render(entries, info), StandardCharsets.UTF_8);
                if (!json) out().println("HTML report: " + html.toAbsolutePath());
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
}
