package dev.proclab.kernel;

/** A place in a lab file (1-based), carried by every step so messages can say file:line:column. */
public record Pos(int line, int column) {
    public static final Pos NONE = new Pos(0, 0);

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
