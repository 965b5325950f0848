package dev.proclab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.proclab.bench.ForkCostBench;
import dev.proclab.bench.ForkCostModel;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.report.BenchPage;
import dev.proclab.report.LineChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fork-cost", description = {
    "What fork, vfork, clone(CLONE_VM) and posix_spawn(/bin/true) cost against the parent's written memory, timed in the agent,",
    "with a plain C fork loop in the same run; a line fitted per call. The model gives the shape (fork linear, the others flat),",
    "and the verdict checks it, never a time. Prints one figure a line, slope_ratio (agent fork / plain loop) last.",
    "Exit codes: 0 every shape rule holds, 1 one fails, 2 bad command line, 3 no agent, not Linux, or the benchmark failed."})
final class ForkCostCommand extends BaseCommand {
    private static final long MAX_MIB_LIMIT = 65536;

    @Option(names = "--max-mib", defaultValue = "1024", paramLabel = "N", description = "The largest size written, in MiB (default ${DEFAULT-VALUE}).")
    long maxMib;

    @Option(names = "--points", defaultValue = "9", paramLabel = "N", description = "Sizes, evenly spaced from 0 to --max-mib (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--reps", defaultValue = "15", paramLabel = "N", description = "Calls timed per size and round; their median is taken (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N", description = "Sweeps by the agent and by the plain loop, alternated; medians over them (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write an HTML page with the plot (SVG) and the table.")
    Path html;

    @Option(names = "--json", description = "Print one JSON document instead of the text.")
    boolean json;

    @Mixin
    AgentOptions agentOptions;

    @Override
    int execute() throws Exception {
        String bad = maxMib < 1 || maxMib > MAX_MIB_LIMIT ? "--max-mib must be 1 to " + MAX_MIB_LIMIT + " (got " + maxMib + ")"
                : points < 2 || points > 100 ? "--points must be 2 to 100 (got " + points + ")"
                : reps < 1 || reps > 1000 ? "--reps must be 1 to 1000 (got " + reps + ")"
                : rounds < 1 || rounds > 100 ? "--rounds must be 1 to 100 (got " + rounds + ")"
                : points - 1 > maxMib ? "--points " + points + " needs --max-mib of at least " + (points - 1) + " (sizes are whole MiB)"
                : html != null && !writable(html) ? "cannot write --html " + html + " (no such directory, or not writable)"
                : null;
        if (bad != null) {
            err().println("proclab bench fork-cost: " + bad);
            return ExitCodes.BAD_INPUT;
        }
        if (!Posix.isLinux()) {
            err().println("proclab bench fork-cost: the benchmark needs the real kernel, and this is not Linux");
            return ExitCodes.MACHINE;
        }
        ForkCostBench.Result r;
        try {
            r = new ForkCostBench(agentOptions.locate()).run(new ForkCostBench.Settings(maxMib, points, reps, rounds));
        } catch (AgentLocator.AgentNotFoundException | IOException | KernelException e) {
            err().println("proclab bench fork-cost: " + e.getMessage());
            return ExitCodes.MACHINE;
        }
        if (json) {
            out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.toMap()));
        } else {
            out().printf("fork-cost: %d sizes from 0 to %d MiB, median of %d calls, median of %d rounds; THP: %s; posix_spawn runs %s%n",
                    points, maxMib, reps, rounds, r.thp(), r.spawnPath());
            if (r.noise() != null) out().println("machine: " + r.noise().describe());
            r.table().forEach(out()::println);
            r.verdictLines().forEach(out()::println);
            r.figureLines().forEach(out()::println);
        }
        if (html != null) {
            try {
                Files.writeString(html, page(r, command()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err().println("proclab bench fork-cost: cannot write " + html + ": " + e.getMessage());
                return ExitCodes.MACHINE;
            }
            if (!json) out().println("HTML report: " + html.toAbsolutePath());
        }
        return r.holds() ? ExitCodes.OK : ExitCodes.DIFFERS;
    }

    /** Checked before the run, so a long benchmark is not lost to a typo in the file name. */
    private static boolean writable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && Files.isDirectory(dir) && Files.isWritable(dir) && (!Files.exists(file) || Files.isWritable(file));
    }

    private String command() {
        return "./proclab bench fork-cost --max-mib " + maxMib + " --points " + points + " --reps " + reps + " --rounds " + rounds;
    }

    static String page(ForkCostBench.Result r, String command) {
        double[] x = r.mib().stream().mapToDouble(Long::doubleValue).toArray();
        List<LineChart.Series> lines = new ArrayList<>();
        for (String s : ForkCostBench.SERIES) {
            lines.add(new LineChart.Series(label(s), x, r.us().get(s), false));
            if (s.equals("fork") || s.equals("plain_c_fork")) {
                ForkCostBench.Fit f = r.fits().get(s);
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = f.interceptUs() + f.usPerMib() * x[i];
                lines.add(new LineChart.Series(String.format("%s fit: %.2f µs/MiB, R² %.3f", label(s), f.usPerMib(), f.r2()), x, y, true));
            }
        }
        String svg = LineChart.svg("What the caller waits for, against the memory it has written", "MiB written by the parent",
                "µs (median)", lines, 960, 540, false)
                + LineChart.svg("The same on a logarithmic scale: the flat calls", "MiB written by the parent", "µs (median, log scale)",
                        lines.stream().filter(l -> !l.fitted()).toList(), 960, 420, true);
        List<String> head = new ArrayList<>(List.of("MiB"));
        for (String s : ForkCostBench.SERIES) head.add(label(s) + " µs");
        head.add("model: fork copies kB of page tables");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(r.mib().get(i))));
            for (String s : ForkCostBench.SERIES) row.add(String.format("%.1f", r.us().get(s)[i]));
            row.add(String.valueOf(r.modelPteKb().get("fork")[i]));
            rows.add(row);
        }
        List<BenchPage.Check> checks = new ArrayList<>();
        for (ForkCostBench.Verdict v : r.verdicts()) checks.add(new BenchPage.Check(v.call() + ": " + v.modelShape(), v.measured(), v.holds()));
        String intro = "Each call is timed in proclab-agent from the call to its return in the caller: fork and clone(CLONE_VM) return once the child "
                + "exists, vfork once the child has exited, posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK)) once the child has exec'd "
                + r.spawnPath() + ". The plain C loop times glibc's fork() the same way. The model gives the shape: fork copies the parent's page "
                + "tables (dup_mmap, copy_page_range), which grow with the memory written; the others share the parent's mm and copy none ("
                + String.join(", ", ForkCostModel.CALLS) + ": " + r.modelShape().values() + "). THP: " + r.thp() + "."
                + (r.noise() == null ? "" : " The machine: " + r.noise().describe() + ".");
        return BenchPage.render("What fork costs", command, intro, svg, head, rows, checks, r.figureLines());
    }

    private static String label(String series) {
        return switch (series) {
            case "clone_vm" -> "clone(CLONE_VM)";
            case "plain_c_fork" -> "plain C fork()";
            default -> series;
        };
    }
}
