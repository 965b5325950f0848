package dev.proclab.lab;

import dev.proclab.kernel.Capability;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@link LabLibrary#list()}: a lab's id, title and capabilities, where it comes from
 * ({@code file} as in messages), and the errors that keep it from running (empty when it parses).
 * A broken lab is still listed, with a null title.
 */
public record LabInfo(String id, String title, Set<Capability> requires, String file, boolean bundled,
        List<LabError> errors) {
    public boolean ok() {
        return errors.isEmpty();
    }
}
