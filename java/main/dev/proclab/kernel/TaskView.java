package dev.proclab.kernel;

/** One lab process now, for pictures of the family tree: its parent by name (or pid), its state letter. */
public record TaskView(String name, long pid, String parent, String state, int threads) {}
