package dev.proclab.model;

import static dev.proclab.model.World.*;

import dev.proclab.kernel.WaitStatus;
import java.util.List;

/**
 * What an exec'd program does, since the model runs none (docs/model.md, "exec"): the model's own rule.
 */
final class Programs {
    private final World w;

    Programs(World w) {
        this.w = w;
    }

    /**
     * What an exec'd program does (the model's rule, see docs/model.md): sleep N sleeps N seconds of
     * lab time then exits 0; false exits 1; sh -c "exit N" exits N; sh -c "sleep N" sleeps; any other
     * program runs to completion at once and exits 0.
     */
    void runProgram(Task p, String base, List<String> argv) {
        if ((base.equals("sh") || base.equals("bash") || base.equals("dash")) && argv.size() >= 3 && argv.get(1).equals("-c")) {
            String[] words = argv.get(2).trim().split("\\s+");
            if (words.length == 2 && words[0].equals("exit")) {
                try {
                    w.exit.doExit(p, WaitStatus.exited(Integer.parseInt(words[1])));
                    return;
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            if (words.length >= 1 && words[0].equals("sleep")) {
                base = "sleep";
                argv = List.of(words);
            }
        }
        if (base.equals("sleep")) {
            long us = argv.size() > 1 ? parseSleep(argv.get(1)) : -1;
            if (us >= 0) {
                p.run = Task.PROG_SLEEP;
                p.busyUntil = w.clock + us;
                w.timed.add(new Timer(p.busyUntil, p));
                return;
            }
            w.exit.doExit(p, WaitStatus.exited(1)); // sleep: missing operand
            return;
        }
        if (base.equals("pause") || base.equals("cat") && argv.size() == 1) {
            p.run = Task.BLOCK;
            return;
        }
        w.exit.doExit(p, WaitStatus.exited(base.equals("false") ? 1 : 0));
    }

    static long parseSleep(String s) {
        try {
            double mult = 1_000_000;
            char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            if (last == 's' || last == 'm' || last == 'h' || last == 'd') {
                mult *= last == 'm' ? 60 : last == 'h' ? 3600 : last == 'd' ? 86400 : 1;
                s = s.substring(0, s.length() - 1);
            }
            double v = Double.parseDouble(s);
            return v < 0 ? -1 : (long) (v * mult);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
