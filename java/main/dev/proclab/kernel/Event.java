package dev.proclab.kernel;

/**
 * Something a kernel reports beside results: an exec'd program's output ("output"), a step that
 * timed out ("timeout"), a late completion such as a vfork parent resuming ("resumed"), a note ("note").
 */
public record Event(String proc, String kind, String text) {}
