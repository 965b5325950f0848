package dev.proclab.fuzz;

import dev.proclab.kernel.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fuzz campaign: scenarios {@code 0..count-1} of a seed, those of one shard, generated, run on
 * both kernels by a few workers, tallied; each unexplained finding shrunk and written out as a lab
 * with its seed. Scenario {@code j} has seed {@code seed + j} and belongs to shard {@code j % shards},
 * so shards of one campaign share nothing and their findings merge by concatenation.
 */
public final class Campaign {
    /** What to run. {@code shard} is 1-based (1..shards). */
    public record Plan(long seed, int count, int shard, int shards, int workers, Path out, boolean shrink,
                       java.time.Duration budget, int shrinkTries) {}

    /** One finding, as written to the output folder. */
    public record Finding(long seed, String id, List<String> details, String key, int stepsBefore, int stepsAfter, Path file,
                          int shrinkTries) {}

    /** The campaign's figures. */
    public record Summary(long seed, int shard, int shards, int scenarios, int agree, int differences, int unexplained, int realSkipped,
                          int invalid, double seconds, double scenariosPerSecond, List<Finding> findings, List<String> invalidLabs) {}

    /** Hears of each scenario as it ends (from the workers' threads). */
    public interface Listener {
        void done(int finished, int total, int unexplained);
    }

    private final Kernels kernels;
    private final Generator generator;

    public Campaign(Kernels kernels) {
        this.kernels = kernels;
        this.generator = new Generator(kernels::guide);
    }

    public Summary run(Plan plan, Listener listener) {
        List<Long> seeds = new ArrayList<>();
        for (int j = 0; j < plan.count(); j++) if (j % plan.shards() == plan.shard() - 1) seeds.add(plan.seed() + j);
        AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger(), bad = new AtomicInteger();
        AtomicInteger agree = new AtomicInteger(), differences = new AtomicInteger(), skipped = new AtomicInteger(), invalid = new AtomicInteger();
        List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
        List<String> invalidLabs = Collections.synchronizedList(new ArrayList<>());
        Trial trial = new Trial(kernels, plan.budget());
        long t0 = System.nanoTime();
        AtomicLong runNanos = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, plan.workers()), r -> {
            Thread t = new Thread(r, "proclab-fuzz");
            t.setDaemon(true);
            return t;
        });
        for (int w = 0; w < Math.max(1, plan.workers()); w++) {
            pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < seeds.size(); ) {
                    long seed = seeds.get(i);
                    long s0 = System.nanoTime();
                    Scenario sc = generator.generate(seed);
                    Trial.Result res = trial.run(sc.id(), sc.text());
                    runNanos.addAndGet(System.nanoTime() - s0);
                    if (!res.valid()) {
                        // the generator made a lab proclab refuses: a bug of the generator, counted and shown
                        invalid.incrementAndGet();
                        invalidLabs.add(sc.id() + ": " + res.invalid());
                    } else {
                        switch (res.outcome().kind()) {
                            case AGREES -> agree.incrementAndGet();
                            case EXPLAINED -> differences.incrementAndGet();
                            case REAL_SKIPPED -> skipped.incrementAndGet();
                            case UNEXPLAINED -> {
                                differences.incrementAndGet();
                                bad.incrementAndGet();
                                findings.add(record(plan, trial, sc, res));
                            }
                        }
                    }
                    if (listener != null) listener.done(finished.incrementAndGet(), seeds.size(), bad.get());
                }
            });
        }
        pool.shutdown();
        try {
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // the workers end when the seeds do
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(java.util.Comparator.comparingLong(Finding::seed));
        List<String> inv = new ArrayList<>(invalidLabs);
        Collections.sort(inv);
        return new Summary(plan.seed(), plan.shard(), plan.shards(), seeds.size(), agree.get(), differences.get(), bad.get(), skipped.get(),
                invalid.get(), secs, secs > 0 ? seeds.size() / secs : 0, sorted, inv);
    }

    /** Shrinks one finding and writes it to the output folder. */
    private Finding record(Plan plan, Trial trial, Scenario sc, Trial.Result res) {
        String key = res.outcome().keys().iterator().next();
        List<Step> steps = sc.steps();
        List<String> details = res.outcome().unexplained();
        int tries = 0;
        if (plan.shrink()) {
            Shrinker.Shrunk s = new Shrinker(trial, plan.shrinkTries()).shrink(sc.id(), sc.sandbox(), sc.steps(), key, res);
            steps = s.steps();
            tries = s.tries();
            if (s.last().outcome() != null) details = s.last().outcome().unexplained();
        }
        Path file = null;
        if (plan.out() != null) {
            List<String> header = new ArrayList<>();
            header.add("proclab fuzz finding: " + key);
            header.add("seed " + Long.toUnsignedString(sc.seed()) + " (proclab fuzz --seed " + Long.toUnsignedString(sc.seed()) + " --count 1)");
            header.add("shrunk from " + sc.steps().size() + " to " + steps.size() + " steps in " + tries + " runs");
            for (String d : details) header.add(d.replace('\n', ' '));
            String text = LabText.render(sc.id(), "fuzz finding: " + key, sc.sandbox(), steps, header);
            file = plan.out().resolve(sc.id() + ".yaml");
            try {
                Files.createDirectories(plan.out());
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                file = null;
            }
        }
        return new Finding(sc.seed(), sc.id(), details, key, sc.steps().size(), steps.size(), file, tries);
    }
}
