package dev.proclab.lab;

/**
 * One problem in a lab file: where it is (1-based line and column of the offending token) and what is
 * wrong. {@link #toString()} is the conventional {@code file:line:column: message}; a problem that
 * has no place (an unknown lab id) has line 0 and prints as {@code file: message}.
 */
public record LabError(String file, int line, int column, String message) {
    /** The {@code line:column: message} part, without the file. */
    public String located() {
        return line > 0 ? line + ":" + column + ": " + message : message;
    }

    @Override
    public String toString() {
        if (file == null || file.isEmpty()) return located();
        return file + (line > 0 ? ":" : ": ") + located();
    }
}
