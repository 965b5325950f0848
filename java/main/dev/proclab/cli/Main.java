package dev.proclab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "proclab", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "A hands-on lab for Linux process management: each lab runs on the book's reference model of the kernel",
            "and on this machine's real kernel, and proclab shows field by field where they agree and where they differ.",
            ""},
        subcommands = {RunCommand.class, WatchCommand.class, LabsCommand.class, ShowCommand.class, DoctorCommand.class, BenchCommand.class, FuzzCommand.class,
            CompletionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with: proclab labs, then proclab show zombie, then proclab run zombie."})
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; never throws, never prints a stack trace unless PROCLAB_DEBUG is set. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String unknownCommand = unknownCommand(ex);
            if (unknownCommand != null) {
                c.getErr().println("proclab: there is no command " + unknownCommand
                        + dev.proclab.lab.Suggest.didYouMean(unknownCommand, c.getSubcommands().keySet()));
            } else {
                c.getErr().println("proclab: " + ex.getMessage());
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            }
            c.getErr().println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            // no Java class names for people: what went wrong, and how to see where
            c.getErr().println("proclab: something went wrong inside proclab: " + ex.getMessage()
                    + (System.getenv("PROCLAB_DEBUG") == null ? " (PROCLAB_DEBUG=1 shows where)" : ""));
            if (System.getenv("PROCLAB_DEBUG") != null) ex.printStackTrace(c.getErr());
            return ExitCodes.MACHINE;
        });
        int code = cl.execute(args);
        // a PrintStream keeps its write errors to itself (a full disk, a closed pipe): ask it
        if (System.out.checkError()) {
            System.err.println("proclab: the output could not be written (a full disk, or a closed pipe)");
            return ExitCodes.MACHINE;
        }
        return code;
    }

    /** The word taken for a command that is none (picocli found no subcommand, option or parameter for it), else null. */
    private static String unknownCommand(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || ex.getCommandLine().getSubcommands().isEmpty()) return null;
        if (u.getUnmatched().isEmpty()) return null;
        String word = u.getUnmatched().get(0);
        return word.startsWith("-") ? null : word;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return ExitCodes.BAD_INPUT;
    }
}
