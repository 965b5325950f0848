package dev.proclab.kernel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code wait} field: waitpid's answer decoded as sys/wait.h does. Both kernels build it here so
 * the shape is one: {pid, status, exited, code, signaled, signal, core, stopped, continued}. With WNOHANG
 * and no change, pid is 0 and status 0.
 */
public final class WaitStatus {
    private WaitStatus() {}

    /** @param pid the waited-for process as a name (String) or a number (Long); 0 when WNOHANG found nothing */
    public static Map<String, Object> decode(Object pid, int status) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean none = pid instanceof Number n && n.longValue() == 0;
        boolean exited = !none && (status & 0x7f) == 0;
        boolean continued = !none && status == 0xffff;
        boolean stopped = !none && !continued && (status & 0xff) == 0x7f;
        boolean signaled = !none && !exited && !stopped && !continued;
        m.put("pid", Values.normalize(pid));
        m.put("status", (long) status);
        m.put("exited", exited);
        m.put("code", exited ? (long) ((status >> 8) & 0xff) : null);
        m.put("signaled", signaled);
        m.put("signal", signaled ? Signals.name(status & 0x7f) : stopped ? Signals.name((status >> 8) & 0xff) : null);
        m.put("core", signaled && (status & CORE_DUMPED) != 0); // WCOREDUMP
        m.put("stopped", stopped);
        m.put("continued", continued);
        return m;
    }

    /** status for exit(code): code << 8 (do_exit's (code & 0xff) << 8). */
    public static int exited(int code) {
        return (code & 0xff) << 8;
    }

    /** status for death by a signal: its number (plus 0x80 with a core dump). */
    public static int killed(int sig) {
        return sig & 0x7f;
    }

    /** status for a stop: sig << 8 | 0x7f. */
    public static int stoppedBy(int sig) {
        return (sig << 8) | 0x7f;
    }

    public static final int CONTINUED = 0xffff;

    /** WCOREDUMP's bit: the kernel wrote a core file before the process died. */
    public static final int CORE_DUMPED = 0x80;
}
