package dev.proclab.cli;

import dev.proclab.compare.Predictions;
import dev.proclab.compare.StepListener;
import dev.proclab.kernel.Step;
import dev.proclab.kernel.Values;
import dev.proclab.lab.AnswerSheet;
import dev.proclab.lab.Lab;
import dev.proclab.lab.LabException;
import dev.proclab.report.Style;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * run --predict: before each observe that has an expect, the student is shown the lab's questions
 * and the steps so far, and types a value for each expected row (as YAML: {@code Z}, {@code 256},
 * {@code {status: 256}}); an empty line leaves the row unanswered. The answers are graded at the end.
 */
final class Predictor implements StepListener {
    private final Lab lab;
    private final PrintStream out;
    private final Style style;
    private final Prompter prompter;
    private final Map<String, Object> answers = new LinkedHashMap<>();
    private boolean questionsShown;

    Predictor(Lab lab, PrintStream out, Style style, Prompter prompter) {
        this.lab = lab;
        this.out = out;
        this.style = style;
        this.prompter = prompter;
    }

    Map<String, Object> answers() {
        return answers;
    }

    @Override
    public boolean beforeStep(int number, Step step) {
        if (!(step instanceof Step.Observe o) || o.expect().isEmpty() || prompter.atEnd()) return true;
        if (!questionsShown) {
            questionsShown = true;
            out.println(style.bold("Predict, then see: " + lab.title()));
            for (String q : lab.questions()) out.println("  ? " + q);
        }
        out.println(style.bold("Before step " + number + " (" + StepThrough.stepText(lab, step) + "), the steps so far:"));
        for (int i = 0; i < number - 1; i++) out.println("  " + (i + 1) + "  " + StepThrough.stepText(lab, lab.steps().get(i)));
        List<Predictions.Expected> rows = Predictions.expectedAt(number, o);
        for (Predictions.Expected x : rows) {
            while (true) {
                String line = prompter.ask("  " + x.key() + " = ");
                if (line == null) return true; // no more input: the rest stays unanswered
                if (line.isBlank()) break;
                try {
                    Object v = AnswerSheet.value(line);
                    answers.put(x.key(), v);
                    out.println(style.dim("    noted: " + Values.show(v)));
                    break;
                } catch (LabException e) {
                    out.println("    That is not a value proclab can read (" + e.errors().get(0).message()
                            + "); type it as in a lab file, e.g. Z, 256, true or {status: 256}, or leave the line empty.");
                }
            }
        }
        return true;
    }
}
