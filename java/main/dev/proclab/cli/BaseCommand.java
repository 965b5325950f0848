package dev.proclab.cli;

import dev.proclab.report.Style;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What every subcommand shares: where it prints, colour, and the exit code contract. */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false)
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--no-color", description = "Prints without colour, even on a terminal; NO_COLOR in the environment does the same.")
    boolean noColor;

    PrintStream out() {
        return System.out;
    }

    PrintStream err() {
        return System.err;
    }

    Style style() {
        return Style.detect(noColor);
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    abstract int execute() throws Exception;
}
