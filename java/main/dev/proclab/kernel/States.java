package dev.proclab.kernel;

/** Process states as /proc shows them (field 3 of /proc/PID/stat), each with its word. */
public final class States {
    private States() {}

    /** "R running", "Z zombie", ...; an unknown letter as it is. */
    public static String word(String st) {
        return switch (st) {
            case "R" -> "R running";
            case "S" -> "S sleeping";
            case "D" -> "D uninterruptible";
            case "T" -> "T stopped";
            case "t" -> "t traced";
            case "Z" -> "Z zombie";
            case "X" -> "X dead";
            case "I" -> "I idle";
            default -> st;
        };
    }
}
