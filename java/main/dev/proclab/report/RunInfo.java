package dev.proclab.report;

import java.util.Map;

/** What a report says of the machine: kernel release and architecture, and each capability found. */
public record RunInfo(String release, String machine, Map<String, Boolean> capabilities) {}
