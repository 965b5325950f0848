package dev.proclab.proc;

import java.io.IOException;

/**
 * /proc/pressure/cpu (PSI): {@code some ... total=MICROS} is how long, since boot, at least one runnable
 * task waited for a CPU; over an interval, its growth divided by the interval's length says how busy the
 * machine was. With /proc/loadavg's one-minute figure, what a benchmark reports of the noise around it.
 */
public record CpuPressure(long someTotalMicros, double loadavg1) {
    /** Now, or null where the kernel has no PSI (CONFIG_PSI off, or psi=0). */
    public static CpuPressure read() {
        try {
            return parse(ProcFiles.read(ProcPaths.PRESSURE_CPU), ProcFiles.read(ProcPaths.LOADAVG));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static CpuPressure parse(String pressure, String loadavg) {
        for (String line : pressure.split("\n")) {
            if (!line.startsWith("some ")) continue;
            int t = line.indexOf("total=");
            if (t < 0) break;
            return new CpuPressure(Long.parseLong(line.substring(t + 6).trim()), Double.parseDouble(loadavg.trim().split("\\s+")[0]));
        }
        throw new IllegalArgumentException("no 'some ... total=' line in " + pressure);
    }

    /** The share of the interval (%) since {@code before}, {@code micros} long, in which some task waited for a CPU. */
    public double percentSince(CpuPressure before, long micros) {
        return micros <= 0 ? 0 : 100.0 * (someTotalMicros - before.someTotalMicros) / micros;
    }
}
