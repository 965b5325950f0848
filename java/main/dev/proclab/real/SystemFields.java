package dev.proclab.real;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.Step;
import dev.proclab.proc.Btf;
import dev.proclab.proc.MemInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The system subject on the real side: /proc/sys numbers and meminfo's KernelStack from the agent's
 * `system` answer, struct layout from the machine's BTF (a static file anyone may read, parsed here),
 * and labelled readings for `since`.
 */
final class SystemFields {
    private final Map<String, Map<String, Long>> labels = new HashMap<>();

    List<Observation> read(Step.Observe o, JsonNode r) {
        List<Observation> out = new ArrayList<>();
        Map<String, Long> now = new HashMap<>();
        Map<String, Long> base = o.since() == null ? null : labels.get(o.since());
        Map<String, Long> mem = r.hasNonNull("meminfo") ? MemInfo.parse(r.get("meminfo").asText()) : Map.of();
        for (String f : o.system()) {
            Observation ob;
            if (f.startsWith("sizeof.") || f.startsWith("offsetof.")) {
                Btf b = Btf.ofMachine();
                ob = b == null ? Observation.skip("system", f, Btf.machineError()) : Observation.of("system", f, b.field(f));
            } else if (f.equals("kernel_stack_kb")) {
                Long v = mem.get("KernelStack");
                ob = v == null ? Observation.skip("system", f, "no KernelStack in /proc/meminfo") : Observation.of("system", f, v);
            } else {
                JsonNode v = r.get(f);
                ob = v == null || v.isNull() ? Observation.skip("system", f, "the agent could not read " + f) : Observation.of("system", f, v.asLong());
            }
            if (ob.value() instanceof Long l) now.put(f, l);
            if (o.since() != null && !ob.isSkipped()) {
                Long b = base == null ? null : base.get(f);
                ob = b == null || !(ob.value() instanceof Long l) ? Observation.skip("system", f, "no reading of " + f + " labelled " + o.since())
                        : Observation.of("system", f, l - b);
            }
            out.add(ob);
        }
        if (o.label() != null) labels.put(o.label(), now);
        return out;
    }
}
