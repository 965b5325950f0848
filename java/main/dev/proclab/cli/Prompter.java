package dev.proclab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Questions to the student on standard input, one line an answer. It reads a pipe the same way as
 * a terminal, so that a session can be scripted and tested ({@code printf '\n\nq\n' | proclab ...}).
 */
final class Prompter {
    private final BufferedReader in;
    private final PrintStream out;
    private final boolean echoed = dev.proclab.posix.Posix.isatty(0);
    private boolean eof;

    Prompter(InputStream in, PrintStream out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    /** Prints the prompt and reads one line (without its line break); null at the end of the input. */
    String ask(String prompt) {
        if (eof) return null;
        out.print(prompt);
        out.flush();
        try {
            String line = in.readLine();
            // a terminal echoes the line typed; from a pipe nothing ends the prompt's line
            if (line == null || !echoed) out.println();
            if (line == null) eof = true;
            return line;
        } catch (IOException e) {
            eof = true;
            return null;
        }
    }

    boolean atEnd() {
        return eof;
    }
}
