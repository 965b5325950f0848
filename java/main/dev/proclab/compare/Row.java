package dev.proclab.compare;

/** One observed field: what the lab expected, what each kernel answered, and the verdict. */
public record Row(int step, String proc, String field, Object expected, Object model, Object real, Verdict verdict, String note) {}
