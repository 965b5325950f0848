package dev.proclab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proclab.kernel.KernelException;
import dev.proclab.posix.Posix;
import dev.proclab.real.AgentLocator;
import dev.proclab.real.WatchSession;
import dev.proclab.report.Columns;
import dev.proclab.watch.LabWriter;
import dev.proclab.watch.WatchEvent;
import dev.proclab.watch.Watched;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", description = {
    "Runs a program of yours and shows its process tree as it lives: each fork, exec, exit and reap with its time,",
    "and each process's state (a zombie as Z <defunct>), until the program and all its descendants are gone.",
    "Ctrl-C kills them all. The events come from the kernel's proc connector where the machine allows it (exact);",
    "otherwise proclab reads /proc as the tree's subreaper and says what that may miss.",
    "Example: proclab watch -- ./waitpid (the slides' program; built in target/cmake/bin)."})
final class WatchCommand extends BaseCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "PROGRAM", arity = "1..*", description = "The program to run and its arguments (put -- before them).")
    List<String> argv = new ArrayList<>();

    @Option(names = "--json", description = "Prints one JSON object a line for each event (t_us, event, pid, and ppid, comm, code or signal, status, state where they apply); the program's output goes to standard error.")
    boolean json;

    @Option(names = "--save-lab", paramLabel = "FILE", description = "Also writes what was seen as a lab (fork, exec, exit, wait) that runs on both kernels; FILE's name is the lab's id.")
    Path saveLab;

    @Option(names = "--source", paramLabel = "WAY", defaultValue = "auto",
            description = "Where the events come from: auto (the best the machine allows), cn_proc (the proc connector, exact) or proc (reading /proc, which may miss short-lived processes).")
    String source;

    @Mixin
    AgentOptions agentOptions;

    private final Object lock = new Object();
    private Watched watched;
    private long t0 = -1;
    private int treeLines;
    private boolean live;
    private final StringBuilder partial = new StringBuilder();

    @Override
    int execute() {
        WatchSession.Source src = switch (source) {
            case "auto" -> WatchSession.Source.AUTO;
            case "cn_proc" -> WatchSession.Source.CN_PROC;
            case "proc" -> WatchSession.Source.PROC;
            default -> null;
        };
        if (src == null) {
            err().println("proclab watch: --source is auto, cn_proc or proc, not " + source
                    + dev.proclab.lab.Suggest.didYouMean(source, List.of("auto", "cn_proc", "proc")));
            return ExitCodes.BAD_INPUT;
        }
        String id = null;
        if (saveLab != null) {
            String file = saveLab.getFileName().toString();
            id = file.replaceFirst("\\.ya?ml$", "");
            if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*") || id.equals(file)) {
                err().println("proclab watch: --save-lab names a file ID.yaml, its id in kebab-case (like waitpid.yaml or my-shell.yaml), not " + file);
                return ExitCodes.BAD_INPUT;
            }
        }
        if (!Posix.isLinux()) {
            err().println("proclab watch: watching a program needs Linux, and this is not Linux");
            return ExitCodes.MACHINE;
        }
        Path agent;
        try {
            agent = agentOptions.locate();
        } catch (AgentLocator.AgentNotFoundException e) {
            err().println("proclab watch: " + e.getMessage());
            return ExitCodes.MACHINE;
        }
        live = !json && Posix.isatty(1);
        JsonNode result;
        boolean[] interrupted = {false};
        try (WatchSession session = WatchSession.start(agent)) {
            watched = new Watched(session.agentPid());
            sun.misc.Signal intr = new sun.misc.Signal("INT");
            sun.misc.SignalHandler old = sun.misc.Signal.handle(intr, s -> {
                interrupted[0] = true;
                session.stop();
            });
            ScheduledExecutorService ticker = live ? Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "watch-tree");
                t.setDaemon(true);
                return t;
            }) : null;
            if (ticker != null) ticker.scheduleAtFixedRate(() -> redraw(null), 250, 250, TimeUnit.MILLISECONDS);
            try {
                result = session.run(src, argv, this::onEvent);
            } finally {
                if (ticker != null) ticker.shutdownNow();
                sun.misc.Signal.handle(intr, old);
            }
        } catch (KernelException e) {
            err().println("proclab watch: " + e.getMessage());
            return ExitCodes.MACHINE;
        }
        synchronized (lock) {
            clearTree();
            if (partial.length() > 0) output(partial + "\n");
        }
        if (!result.path("ok").asBoolean()) {
            String errno = result.path("errno").asText("");
            err().println("proclab watch: " + result.path("message").asText("the watch failed") + (errno.isEmpty() ? "" : " (" + errno + ")"));
            return errno.equals("ENOENT") || errno.equals("EACCES") ? ExitCodes.BAD_INPUT : ExitCodes.MACHINE;
        }
        if (!json) summary(result, interrupted[0]);
        else if (interrupted[0]) err().println("proclab watch: stopped by Ctrl-C; everything the program started was killed");
        if (saveLab != null) {
            try {
                Files.writeString(saveLab, LabWriter.write(id, argv, watched), StandardCharsets.UTF_8);
                (json ? err() : out()).println("The lab is in " + saveLab + "; run it on both kernels: proclab run --file " + saveLab);
            } catch (IOException e) {
                err().println("proclab watch: cannot write " + saveLab + ": " + e.getMessage());
                return ExitCodes.MACHINE;
            }
        }
        return ExitCodes.OK;
    }

    private void onEvent(JsonNode n) {
        synchronized (lock) {
            String kind = n.path("event").asText();
            if (kind.equals("source")) {
                note(n);
                return;
            }
            if (kind.equals("output")) {
                output(n.path("text").asText());
                return;
            }
            if (t0 < 0 && kind.equals("fork")) t0 = n.path("at").asLong();
            WatchEvent e = WatchEvent.of(n, t0 < 0 ? n.path("at").asLong() : t0);
            String line = watched.accept(e);
            if (json) {
                try {
                    out().println(JSON.writeValueAsString(e.json()));
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
                out().flush();
            } else if (line != null) {
                redraw(line);
            }
        }
    }

    private void note(JsonNode n) {
        String text = n.path("source").asText().equals("cn_proc")
                ? "Watching " + String.join(" ", argv) + "; the events come from the kernel's proc connector: exact, with the kernel's own times."
                : "Watching " + String.join(" ", argv) + "; the events are read from /proc by proclab, the tree's subreaper ("
                        + n.path("why").asText() + "). This may miss: " + n.path("misses").asText() + ".";
        if (json) err().println("proclab watch: " + text);
        else dev.proclab.report.Wrap.println(out(), text, Terminal.width(), "  ");
    }

    /** The program's output: complete lines, each marked as the program's. */
    private void output(String text) {
        if (json) {
            err().print(text);
            err().flush();
            return;
        }
        partial.append(text);
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            String l = partial.substring(0, nl);
            partial.delete(0, nl + 1);
            redraw(style().dim("          | ") + l);
        }
    }

    /** Prints a line above the live tree (on a terminal) and draws the tree again; null only redraws it. */
    private void redraw(String line) {
        synchronized (lock) {
            int width = Terminal.width();
            if (!live) {
                if (line != null) dev.proclab.report.Wrap.println(out(), line, width, " ".repeat(24));
                return;
            }
            clearTree();
            if (line != null) dev.proclab.report.Wrap.println(out(), line, width, " ".repeat(24));
            if (t0 < 0) return;
            List<String> tree = watched.tree((System.nanoTime() - t0) / 1000);
            for (String l : tree) out().println(style().dim("  " + l));
            treeLines = tree.size();
            out().flush();
        }
    }

    private void clearTree() {
        if (!live || treeLines == 0) return;
        out().print("\u001b[" + treeLines + "F\u001b[J");
        treeLines = 0;
    }

    private void summary(JsonNode result, boolean interrupted) {
        out().println();
        String how = result.path("source").asText().equals("cn_proc") ? "seen through the kernel's proc connector (exact)"
                : "seen by reading /proc (it may miss short-lived processes)";
        out().println(style().bold("Summary: " + watched.procs().size() + " processes, " + how
                + (result.path("lost").asInt() > 0 ? "; the kernel dropped events " + result.path("lost").asInt() + " times" : "")));
        if (interrupted) out().println("Stopped by Ctrl-C: everything the program started was killed.");
        for (String l : Columns.of(watched.summary())) dev.proclab.report.Wrap.println(out(), "  " + l, Terminal.width(), "    ");
    }
}
