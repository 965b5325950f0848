package dev.proclab.cli;

import dev.proclab.lab.Lab;
import dev.proclab.lab.LabError;
import dev.proclab.lab.LabException;
import dev.proclab.lab.LabLibrary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lab ids, --all and --file turned into parsed labs; every problem is a LabException with file:line:column. */
final class Labs {
    private Labs() {}

    static List<Lab> resolve(List<String> ids, boolean all, List<Path> files) throws LabException {
        LabLibrary lib = LabLibrary.standard();
        List<Lab> out = new ArrayList<>();
        List<LabError> errors = new ArrayList<>();
        List<String> wanted = new ArrayList<>(ids);
        // ids() lists them without parsing: each lab is parsed once, below
        if (all) for (String id : lib.ids()) if (!wanted.contains(id)) wanted.add(id);
        for (String id : wanted) {
            try {
                out.add(lib.resolve(id));
            } catch (LabException e) {
                errors.addAll(e.errors());
            }
        }
        for (Path f : files) {
            try {
                out.add(lib.loadFile(f));
            } catch (LabException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) throw new LabException(errors);
        return out;
    }
}
