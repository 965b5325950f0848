package dev.proclab.real;

/** One capability as found out by trying it: yes or no, and how that was found out. */
public record Probe(boolean ok, String how) {}
