package dev.proclab.cli;

import dev.proclab.lab.LabLibrary;
import java.util.Iterator;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", description = {
    "Prints a script that completes proclab's commands, options and lab ids as you type, for bash or zsh.",
    "Install it with one command, for bash: proclab completion bash > ~/.local/share/bash-completion/completions/proclab",
    "and for zsh: proclab completion zsh > \"${fpath[1]}/_proclab\" (or add `source <(proclab completion zsh)` to ~/.zshrc)."})
final class CompletionCommand extends BaseCommand {
    @Parameters(paramLabel = "SHELL", description = "The shell: bash or zsh.", completionCandidates = Shells.class)
    String shell;

    /** The shells a script is made for. */
    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return java.util.List.of("bash", "zsh").iterator();
        }
    }

    /** The bundled labs' ids, offered where a command takes a lab. */
    static final class LabIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new java.util.TreeSet<>(LabLibrary.standard().ids()).iterator();
        }
    }

    @Override
    int execute() {
        String script = AutoComplete.bash("proclab", spec.root().commandLine());
        switch (shell) {
            case "bash" -> out().print(script);
            // zsh runs bash completion scripts through bashcompinit
            case "zsh" -> out().print("#compdef proclab\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> {
                err().println("proclab completion: the shell is bash or zsh, not " + shell
                        + dev.proclab.lab.Suggest.didYouMean(shell, java.util.List.of("bash", "zsh")));
                return ExitCodes.BAD_INPUT;
            }
        }
        return ExitCodes.OK;
    }
}
