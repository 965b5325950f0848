package dev.proclab.cli;

import dev.proclab.compare.LabResult;
import dev.proclab.compare.Predictions;
import dev.proclab.compare.StepListener;
import dev.proclab.lab.AnswerSheet;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import dev.proclab.report.ScoreReport;
import dev.proclab.report.Style;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * run's hands-on options: --step (stop after each step), --predict (ask before each observe) and
 * --answers (grade answer files): what they check on the command line, how they hook into the run,
 * and what they add to its output.
 */
final class Hands {
    private final RunCommand run;
    private final Lab only;
    private final List<AnswerSheet> sheets;
    private final Prompter prompter;
    private final int width;
    private StepThrough stepper;
    private Predictor predictor;

    /** A command line that cannot be run as it is; each message is one line for standard error. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> messages;

        BadInput(List<String> messages) {
            super(String.join("\n", messages));
            this.messages = messages;
        }

        List<String> messages() {
            return messages;
        }
    }

    private Hands(RunCommand run, Lab only, List<AnswerSheet> sheets) {
        this.run = run;
        this.only = only;
        this.sheets = sheets;
        this.width = Terminal.width();
        this.prompter = run.step || run.predict ? new Prompter(System.in, run.out()) : null;
    }

    static Hands of(RunCommand run, List<Lab> labs) throws BadInput {
        boolean grading = run.predict || !run.answers.isEmpty();
        if (run.predict && !run.answers.isEmpty()) {
            throw new BadInput(List.of("proclab run: --predict asks you and --answers grades files; use one of them"));
        }
        if (grading && labs.size() != 1) {
            throw new BadInput(List.of("proclab run: predictions are made for one lab at a time; name one lab with "
                    + (run.predict ? "--predict" : "--answers")));
        }
        if ((run.step || run.predict) && run.json) {
            throw new BadInput(List.of("proclab run: --step and --predict talk with you on the terminal; they cannot go with --json"));
        }
        List<AnswerSheet> sheets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path p : expand(run.answers, errors)) {
            try {
                sheets.add(AnswerSheet.read(p));
            } catch (LabException e) {
                for (LabError le : e.errors()) errors.add(le.toString());
            }
        }
        if (!errors.isEmpty()) throw new BadInput(errors);
        return new Hands(run, grading ? labs.get(0) : null, sheets);
    }

    /** Answer files, a folder standing for every .yaml and .yml file in it (sorted by name). */
    private static List<Path> expand(List<Path> given, List<String> errors) {
        List<Path> out = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> files = s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
                    if (files.isEmpty()) errors.add(p + ": no answer files (*.yaml) in this folder");
                    out.addAll(files);
                } catch (IOException e) {
                    errors.add(p + ": cannot list the folder: " + e.getMessage());
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    int width() {
        return width;
    }

    /** The hooks for one lab's run, or null when no hands-on option is on. */
    StepListener listener(Lab lab, String whyNot) {
        stepper = run.step ? new StepThrough(lab, run.out(), run.style(), prompter, whyNot) : null;
        predictor = run.predict ? new Predictor(lab, run.out(), run.style(), prompter) : null;
        return StepListener.both(predictor, stepper);
    }

    /** Whether the student stopped the run (q, or the end of the input): no further lab runs. */
    boolean stopped() {
        return stepper != null && stepper.stoppedAfter() > 0;
    }

    private List<Predictions.Score> scores(List<LabResult> results) {
        if (only == null || results.isEmpty()) return List.of();
        LabResult r = results.get(0);
        List<Predictions.Expected> rows = Predictions.expected(only.steps());
        List<Predictions.Score> out = new ArrayList<>();
        if (predictor != null) out.add(Predictions.grade("your predictions", rows, predictor.answers(), r));
        for (AnswerSheet s : sheets) out.add(Predictions.grade(s, rows, r));
        return out;
    }

    /** The {@code predictions} section of each graded lab's JSON document. */
    Map<String, Map<String, Object>> predictionsJson(List<LabResult> results) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<Predictions.Score> scores = scores(results);
        if (scores.isEmpty()) return out;
        List<Object> list = new ArrayList<>();
        for (Predictions.Score s : scores) list.add(ScoreReport.json(s));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("predictions", list);
        out.put(results.get(0).lab(), extra);
        return out;
    }

    /** The grade after the table: one student's ends with {@code score K/N}; a class's with its mean. */
    void printScores(List<LabResult> results, PrintStream out, Style style) {
        if (stopped()) out.println("Stopped after step " + stepper.stoppedAfter() + " of " + only(results) + "; every process of the lab is gone.");
        List<Predictions.Score> scores = scores(results);
        if (scores.isEmpty()) return;
        if (scores.size() == 1) ScoreReport.print(out, style, scores.get(0), width);
        else ScoreReport.printClass(out, scores, width);
    }

    private static String only(List<LabResult> results) {
        return results.isEmpty() ? "the lab" : results.get(results.size() - 1).lab();
    }
}
