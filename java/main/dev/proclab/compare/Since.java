package dev.proclab.compare;

import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code label} and {@code since} on proc observes, for one kernel: a label keeps the readings of its
 * observe; a later {@code since: LABEL} turns each counter field (minflt, vm_pte_kb, ...) into the
 * difference from the labelled reading of the same process, or of {@code since: {label, proc}}'s
 * process. Both kernels' observations pass through here, so model and real follow one rule; the
 * kernels themselves answer absolute values. (Slab deltas stay with each kernel, whose label keeps
 * the whole of slabinfo.)
 */
final class Since {
    private final Map<String, Map<String, Observation>> labels = new HashMap<>();

    List<Observation> apply(Step.Observe o, List<Observation> observed) {
        if (o.procs().isEmpty()) return observed;
        List<Observation> out = observed;
        if (o.since() != null) {
            Map<String, Observation> base = labels.getOrDefault(o.since(), Map.of());
            out = new ArrayList<>(observed.size());
            for (Observation now : observed) out.add(delta(o, now, base));
        }
        if (o.label() != null) {
            Map<String, Observation> readings = new HashMap<>();
            for (Observation ob : observed) readings.put(key(ob.subject(), ob.field()), ob);
            labels.put(o.label(), readings);
        }
        return out;
    }

    private static Observation delta(Step.Observe o, Observation now, Map<String, Observation> base) {
        if (now.isSkipped()) return now;
        String from = o.sinceProc() != null ? o.sinceProc() : now.subject();
        Observation then = base.get(key(from, now.field()));
        String at = from + "'s " + now.field() + " at label " + o.since();
        if (then == null) return Observation.skip(now.subject(), now.field(), "no reading of " + at);
        if (then.isSkipped()) return Observation.skip(now.subject(), now.field(), at + " was not read: " + then.skipped());
        // a process without the value (no mm: a zombie, a kernel thread) has no difference either
        if (!(now.value() instanceof Long n) || !(then.value() instanceof Long t)) return Observation.of(now.subject(), now.field(), null);
        return Observation.of(now.subject(), now.field(), n - t);
    }

    private static String key(String subject, String field) {
        return subject + "\u0000" + field;
    }
}
