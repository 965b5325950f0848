package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Shell completion that a real bash runs, "did you mean" for a mistyped command, help in complete sentences. */
class CompletionAndHelpTest {
    @Test
    void bashCompletesCommandsAndLabIds(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
        Cli r = Cli.run("completion", "bash");
        assertEquals(0, r.exit(), r.err());
        Path script = dir.resolve("proclab.bash");
        Files.writeString(script, r.out());
        String got = StepThroughTest.run("bash", "-c", "source " + script + " 2>/dev/null;"
                + " COMP_WORDS=(proclab ru); COMP_CWORD=1; COMP_LINE='proclab ru'; COMP_POINT=10;"
                + " _complete_proclab proclab ru proclab 2>/dev/null; echo \"[${COMPREPLY[*]}]\";"
                + " COMP_WORDS=(proclab run zom); COMP_CWORD=2; COMP_LINE='proclab run zom'; COMP_POINT=15;"
                + " _complete_proclab proclab zom run 2>/dev/null; echo \"[${COMPREPLY[*]}]\"");
        assertEquals("[run]\n[zombie]\n", got);
        Cli z = Cli.run("completion", "zsh");
        assertEquals(0, z.exit());
        assertTrue(z.out().startsWith("#compdef proclab\n") && z.out().contains("bashcompinit"), "zsh runs it through bashcompinit");
        assertEquals(2, Cli.run("completion", "fish").exit());
    }

    @Test
    void aMistypedCommandGetsDidYouMean() {
        Cli r = Cli.run("rnu", "zombie");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("proclab: there is no command rnu; did you mean run?"), r.err());
        Cli b = Cli.run("bench", "soka");
        assertTrue(b.err().contains("there is no command soka; did you mean soak?"), b.err());
        Cli far = Cli.run("frobnicate");
        assertEquals("proclab: there is no command frobnicate", far.err().lines().findFirst().orElse(""), "no far-fetched guess");
    }

    @Test
    void everyHelpTextIsACompleteSentenceWithoutJavaNames() {
        List<String> bad = new ArrayList<>();
        check(new CommandLine(new Main()).getCommandSpec(), bad);
        assertEquals(List.of(), bad);
    }

    private static void check(CommandSpec spec, List<String> bad) {
        String name = spec.qualifiedName();
        String[] desc = spec.usageMessage().description();
        if (!name.equals("proclab help")) sentence(name, String.join(" ", desc), bad);
        for (OptionSpec o : spec.options()) sentence(name + " " + o.longestName(), String.join(" ", o.description()), bad);
        for (PositionalParamSpec p : spec.positionalParameters()) sentence(name + " " + p.paramLabel(), String.join(" ", p.description()), bad);
        for (CommandLine sub : spec.subcommands().values()) if (sub.getCommandSpec() != spec) check(sub.getCommandSpec(), bad);
    }

    private static void sentence(String where, String text, List<String> bad) {
        String t = text.strip();
        if (t.isEmpty() || !Character.isUpperCase(t.codePointAt(0)) || !(t.endsWith(".") || t.endsWith(".)") || t.endsWith("?"))
                || t.matches("(?s).*\\b[A-Z][a-z]+(Exception|Command|Kernel|Report|Runner)\\b.*") || t.contains("dev.proclab")) {
            bad.add(where + ": " + t);
        }
    }
}
