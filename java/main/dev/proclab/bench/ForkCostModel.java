package dev.proclab.bench;

import dev.proclab.kernel.KernelException;
import dev.proclab.kernel.Observation;
import dev.proclab.kernel.PageRange;
import dev.proclab.kernel.Pos;
import dev.proclab.kernel.Sandbox;
import dev.proclab.kernel.Step;
import dev.proclab.model.ModelKernel;
import java.util.List;
import java.util.Map;

/**
 * The model's column of the fork-cost benchmark: not a time, but what each call copies of the parent's
 * page tables (kB) when the parent has written a given size, asked of the reference model. A call that
 * makes an mm of its own (mm_struct +1: fork) copies the parent's tables (dup_mmap); one that shares
 * the parent's mm (vfork, clone(CLONE_VM), and posix_spawn, which is glibc's CLONE_VM|CLONE_VFORK
 * clone before its exec) copies none. Copies that grow with the size make a cost linear in it; none
 * make it flat.
 */
public final class ForkCostModel {
    /** The calls, in the order of the benchmark's figures. */
    public static final List<String> CALLS = List.of("fork", "vfork", "clone_vm", "posix_spawn");

    private ForkCostModel() {}

    /** kB of page tables that {@code call} copies from a parent that has written {@code mib} MiB. */
    public static long copiedPteKb(String call, long mib) throws KernelException {
        try (ModelKernel m = new ModelKernel()) {
            m.begin(Sandbox.NONE);
            if (mib > 0) {
                m.apply(new Step.MapRegion("main", "mem", (int) (mib * 256), Pos.NONE));
                m.apply(new Step.Touch("main", "mem", PageRange.ALL, true, Pos.NONE));
            }
            m.apply(slab("before", null));
            m.apply(switch (call) {
                case "fork" -> new Step.Fork("main", "child", Pos.NONE);
                case "vfork" -> new Step.VFork("main", "child", Pos.NONE);
                case "clone_vm" -> new Step.Clone("main", "child", List.of("CLONE_VM"), null, Pos.NONE);
                case "posix_spawn" -> new Step.Clone("main", "child", List.of("CLONE_VM", "CLONE_VFORK"), null, Pos.NONE);
                default -> throw new IllegalArgumentException("no call " + call);
            });
            long newMms = (Long) m.apply(slab(null, "before")).observations().get(0).value();
            if (newMms == 0) return 0;
            Observation pte = m.apply(new Step.Observe(List.of("child"), null, List.of("vm_pte_kb"), List.of(), List.of(), null, null,
                    Map.of(), Map.of(), Map.of(), Pos.NONE)).observations().get(0);
            return (Long) pte.value();
        }
    }

    /** "linear" when the copy grows with the parent's written memory, else "flat". */
    public static String shape(String call, long maxMib) throws KernelException {
        return copiedPteKb(call, maxMib) > copiedPteKb(call, 0) ? "linear" : "flat";
    }

    private static Step.Observe slab(String label, String since) {
        return new Step.Observe(List.of(), null, List.of("active_objs"), List.of("mm_struct"), List.of(), label, since,
                Map.of(), Map.of(), Map.of(), Pos.NONE);
    }
}
