package dev.proclab.cli;

import dev.proclab.kernel.Capability;
import dev.proclab.lab.Lab;
import dev.proclab.real.Machine;
import dev.proclab.real.Probe;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Whether a lab's real side can run on this machine, and if not, which capability is missing and why. */
final class RealSide {
    private RealSide() {}

    /** Every capability the real side needs: the lab's `requires` and what its sandbox asks for. */
    static Set<Capability> needs(Lab lab) {
        Set<Capability> s = EnumSet.of(Capability.LINUX);
        s.addAll(lab.requires());
        if (lab.sandbox().pidNamespace() || lab.sandbox().pidMax() != null) s.add(Capability.PID_NAMESPACE);
        if (lab.sandbox().pidsMax() != null) s.add(Capability.CGROUP_PIDS);
        return s;
    }

    /** null when it can run, else the reason it is skipped. */
    static String whyNot(Lab lab, Machine machine) {
        for (Capability c : needs(lab)) {
            if (!machine.has(c)) {
                Probe p = machine.capabilities().get(c);
                return "needs " + c.id() + ": " + (p == null ? "not probed" : p.how());
            }
        }
        return null;
    }

    static Map<String, Boolean> capabilityMap(Machine machine) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (Capability c : Capability.values()) m.put(c.id(), machine != null && machine.has(c));
        return m;
    }
}
