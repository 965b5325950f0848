package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.WaitStatus;
import java.util.List;

/**
 * What an exec'd program does. The model runs no program, so it knows only a small table of them,
 * as their man pages and the lab's surroundings say (stdin is /dev/null): true, false, echo, sleep,
 * cat without operands, ls of / or ., and sh -c "exit N". Any other program is not modelled: the
 * model lets it end at once, and says that its rows (its state, its wait status) are not known,
 * rather than guess a value.
 */
final class Programs {
    private final World w;

    Programs(World w) {
        this.w = w;
    }

    void runProgram(Task p, String base, List<String> argv) {
        p.progStatus = 0;
        switch (base) {
            case "true", "echo" -> end(p, WaitStatus.exited(0));
            case "false" -> end(p, WaitStatus.exited(1));
            case "sleep" -> sleep(p, argv.subList(1, argv.size()));
            // stdin is /dev/null: cat reads its end at once
            case "cat" -> {
                if (argv.size() == 1) end(p, WaitStatus.exited(0));
                else unknown(p, base);
            }
            case "ls" -> {
                boolean known = true;
                for (String a : argv.subList(1, argv.size())) known &= a.startsWith("-") || a.equals("/") || a.equals(".");
                if (known) end(p, WaitStatus.exited(0));
                else unknown(p, base);
            }
            case "sh", "bash", "dash" -> {
                // exit N of a number 0 or more is N & 255 in every shell; others differ (dash: 2, bash: N & 255)
                String[] words = argv.size() == 3 && argv.get(1).equals("-c") ? argv.get(2).trim().split("\\s+") : new String[0];
                if (words.length == 2 && words[0].equals("exit") && words[1].matches("\\d{1,9}")) {
                    end(p, WaitStatus.exited(Integer.parseInt(words[1])));
                } else {
                    unknown(p, base + " -c");
                }
            }
            default -> unknown(p, base);
        }
    }

    /** GNU sleep: the sum of its operands (s, m, h, d suffixes); none or a bad one exits 1; infinity sleeps for ever. */
    private void sleep(Task p, List<String> operands) {
        long us = 0;
        boolean forever = false;
        for (String o : operands) {
            if (o.equals("infinity") || o.equals("inf")) {
                forever = true;
                continue;
            }
            long v = parseSleep(o);
            if (v < 0) {
                end(p, WaitStatus.exited(1));
                return;
            }
            us += v;
        }
        if (operands.isEmpty()) {
            end(p, WaitStatus.exited(1)); // sleep: missing operand
            return;
        }
        if (us == 0 && !forever) {
            // sleep 0 ends before exec's step returns (the step waits for the new image to settle)
            w.exit.doExit(p, WaitStatus.exited(0));
            return;
        }
        p.run = Task.PROG_SLEEP;
        p.busyUntil = forever ? Long.MAX_VALUE : w.clock + us;
        if (!forever) w.timed.add(new Timer(p.busyUntil, p));
    }

    /**
     * A program that ends at once; one that starts stopped (a stop was pending when its exec went on)
     * ends when it is continued.
     */
    private void end(Task p, int status) {
        if (!p.stopped) {
            w.exit.doExit(p, status);
            return;
        }
        p.run = Task.PROG_SLEEP;
        p.busyUntil = w.clock;
        p.progStatus = status;
    }

    /**
     * A program outside the table: the model lets it end at once, as most commands do, but what it
     * does and how it ends are not the model's to say: the rows that depend on it are skipped.
     */
    private void unknown(Task p, String what) {
        p.unmodelled = "what " + what + " does is not modelled (the model knows true, false, echo, sleep, cat and ls of / or ., "
                + "sh -c 'exit N')";
        end(p, WaitStatus.exited(0));
    }

    static long parseSleep(String s) {
        try {
            double mult = 1_000_000;
            char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            if (last == 's' || last == 'm' || last == 'h' || last == 'd') {
                mult *= last == 'm' ? 60 : last == 'h' ? 3600 : last == 'd' ? 86400 : 1;
                s = s.substring(0, s.length() - 1);
            }
            if (!s.matches("\\d+(\\.\\d+)?|\\.\\d+")) return -1;
            double v = Double.parseDouble(s);
            return (long) (v * mult);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
