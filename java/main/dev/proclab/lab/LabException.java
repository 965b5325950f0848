package dev.proclab.lab;

import java.util.List;
import java.util.stream.Collectors;

/** A lab file that cannot be used: one or more {@link LabError}s, in file order. */
public final class LabException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<LabError> errors;

    public LabException(List<LabError> errors) {
        super(errors.stream().map(LabError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) throw new IllegalArgumentException("a LabException needs at least one error");
        this.errors = List.copyOf(errors);
    }

    public LabException(LabError error) {
        this(List.of(error));
    }

    public List<LabError> errors() {
        return errors;
    }

    /** The first error (there is always one). */
    public LabError first() {
        return errors.get(0);
    }
}
