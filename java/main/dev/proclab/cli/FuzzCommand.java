package dev.proclab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proclab.fuzz.Campaign;
import dev.proclab.fuzz.Generator;
import dev.proclab.fuzz.Kernels;
import dev.proclab.kernel.Kernel;
import dev.proclab.kernel.KernelException;
import dev.proclab.lab.Lab;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.real.Machine;
import dev.proclab.real.RealKernel;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fuzz", description = {
    "Generates random valid labs, runs each on the reference model and on this machine's kernel, and reports where they part.",
    "A finding is shrunk to a small lab and written to --out with its seed; `proclab run --file` runs it again.",
    "Exit codes: 0 nothing unexplained, 1 an unexplained difference, 2 bad command line, 3 the machine or agent failed."})
final class FuzzCommand extends BaseCommand {
    @Option(names = "--seed", paramLabel = "S", description = "The campaign's seed (default: the time); scenario j has seed S+j.")
    Long seed;

    @Option(names = "--count", paramLabel = "N", defaultValue = "200", description = "Scenarios in the campaign (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--shard", paramLabel = "K/N",
            description = "Runs only shard K of N (1-based): scenario j belongs to shard j mod N + 1. Shards' results merge by concatenation.")
    String shard;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fuzz-findings",
            description = "Where shrunk findings are written, one lab file each (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--jobs", paramLabel = "J", description = "Scenarios run at once (default: 4 per CPU; a scenario mostly waits for the kernel to settle).")
    Integer jobs;

    @Option(names = "--no-shrink", description = "Writes findings as generated, without shrinking them.")
    boolean noShrink;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Time budget of each scenario (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Prints one JSON document instead of the summary lines.")
    boolean json;

    @Option(names = "--print", description = "Prints each generated lab instead of running it (the first --count of the shard).")
    boolean print;

    @Mixin
    AgentOptions agentOptions;

    @Override
    int execute() throws Exception {
        int[] kn = parseShard();
        if (kn == null) return ExitCodes.BAD_INPUT;
        if (count < 1) {
            err().println("proclab fuzz: --count must be at least 1");
            return ExitCodes.BAD_INPUT;
        }
        if (timeoutSeconds < 1) {
            err().println("proclab fuzz: --timeout must be a positive number of seconds");
            return ExitCodes.BAD_INPUT;
        }
        // a scenario spends most of its time waiting for its processes to settle, so more scenarios than
        // CPUs pay: on 2 CPUs, 2 at once ran 13.7 a second, 8 at once 19-21 (docs/performance.md)
        int workers = jobs != null ? jobs : 4 * Runtime.getRuntime().availableProcessors();
        if (workers < 1) {
            err().println("proclab fuzz: --jobs must be at least 1");
            return ExitCodes.BAD_INPUT;
        }
        long s = seed != null ? seed : System.currentTimeMillis();
        if (print) {
            Generator g = new Generator(() -> Models.kernel(Generator.PROGRAMS));
            for (int j = 0; j < count; j++) {
                if (j % kn[1] != kn[0] - 1) continue;
                out().println("--- # seed " + (s + j));
                out().print(g.generate(s + j).text());
            }
            return ExitCodes.OK;
        }
        String unwritable = Reports.unwritableDir(out);
        if (unwritable != null) {
            err().println("proclab fuzz: cannot write findings to " + out + ": " + unwritable);
            return ExitCodes.BAD_INPUT;
        }
        Machine machine;
        Path agent;
        if (!Posix.isLinux()) {
            err().println("proclab fuzz: the fuzzer compares the model with a Linux kernel; this is " + System.getProperty("os.name"));
            return ExitCodes.MACHINE;
        }
        try {
            agent = agentOptions.locate();
            machine = Machine.probe(agent);
            Models.learn(machine);
        } catch (AgentLocator.AgentNotFoundException | KernelException e) {
            err().println("proclab fuzz: " + e.getMessage());
            return ExitCodes.MACHINE;
        }
        Kernels kernels = new Kernels() {
            @Override
            public Kernel model(Lab lab) {
                return Models.kernel(lab, machine);
            }

            @Override
            public Kernel guide() {
                return Models.kernel(Generator.PROGRAMS);
            }

            @Override
            public Kernel real(Lab lab) {
                return new RealKernel(agent);
            }

            @Override
            public String whyNot(Lab lab) {
                return RealSide.whyNot(lab, machine);
            }
        };
        Campaign.Plan plan = new Campaign.Plan(s, count, kn[0], kn[1], workers, out, !noShrink, java.time.Duration.ofSeconds(timeoutSeconds), 120);
        int total = (count - (kn[0] - 1) + kn[1] - 1) / kn[1];
        Progress progress = Progress.of(!json, err(), Terminal.width());
        Campaign.Summary sum = new Campaign(kernels).run(plan, (done, all, bad) -> {
            synchronized (progress) {
                progress.show(done, all, bad == 0 ? "" : bad + " unexplained");
            }
        });
        progress.clear();
        if (json) out().println(json(sum));
        else print(sum, total);
        return sum.unexplained() > 0 || sum.invalid() > 0 ? ExitCodes.DIFFERS : ExitCodes.OK;
    }

    private int[] parseShard() {
        if (shard == null) return new int[] {1, 1};
        String[] p = shard.split("/");
        try {
            if (p.length == 2) {
                int k = Integer.parseInt(p[0].trim()), n = Integer.parseInt(p[1].trim());
                if (n >= 1 && k >= 1 && k <= n) return new int[] {k, n};
            }
        } catch (NumberFormatException e) {
            // said below
        }
        err().println("proclab fuzz: --shard is K/N with 1 <= K <= N (e.g. 2/8); got " + shard);
        return null;
    }

    private void print(Campaign.Summary s, int total) {
        for (Campaign.Finding f : s.findings()) {
            out().println("finding " + f.id() + " (seed " + Long.toUnsignedString(f.seed()) + "): " + f.key() + "; " + f.stepsBefore()
                    + " steps shrunk to " + f.stepsAfter() + (f.file() == null ? "" : ", " + f.file()));
            for (String d : f.details()) out().println("  " + d);
        }
        for (String i : s.invalidLabs()) out().println("invalid " + i);
        out().println("seed " + s.seed() + (s.shards() > 1 ? " shard " + s.shard() + "/" + s.shards() : ""));
        out().println("scenarios " + s.scenarios());
        out().println("agree " + s.agree());
        out().println("differences " + s.differences());
        out().println("unexplained " + s.unexplained());
        if (s.realSkipped() > 0) out().println("real_skipped " + s.realSkipped());
        if (s.invalid() > 0) out().println("invalid " + s.invalid());
        out().println(String.format(Locale.ROOT, "seconds %.1f", s.seconds()));
        out().println(String.format(Locale.ROOT, "scenarios_per_s %.1f", s.scenariosPerSecond()));
    }

    private static String json(Campaign.Summary s) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("seed", s.seed());
        o.put("shard", s.shard() + "/" + s.shards());
        o.put("scenarios", s.scenarios());
        o.put("agree", s.agree());
        o.put("differences", s.differences());
        o.put("unexplained", s.unexplained());
        o.put("real_skipped", s.realSkipped());
        o.put("invalid", s.invalid());
        o.put("seconds", Math.round(s.seconds() * 10) / 10.0);
        o.put("scenarios_per_s", Math.round(s.scenariosPerSecond() * 10) / 10.0);
        ArrayNode fs = o.putArray("findings");
        for (Campaign.Finding f : s.findings()) {
            ObjectNode x = fs.addObject();
            x.put("seed", Long.toUnsignedString(f.seed()));
            x.put("id", f.id());
            x.put("key", f.key());
            x.put("steps_before", f.stepsBefore());
            x.put("steps_after", f.stepsAfter());
            x.put("shrink_runs", f.shrinkTries());
            x.put("file", f.file() == null ? null : f.file().toString());
            ArrayNode d = x.putArray("details");
            f.details().forEach(d::add);
        }
        ArrayNode inv = o.putArray("invalid_labs");
        s.invalidLabs().forEach(inv::add);
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    }
}
