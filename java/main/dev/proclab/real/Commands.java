package dev.proclab.real;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.proclab.kernel.Step;
import java.util.List;

/** Steps as agent command lines (docs/protocol.md). Observe is not here: it is many commands. */
final class Commands {
    private Commands() {}

    static String of(Step step) {
        if (step instanceof Step.Fork s) return "fork " + s.proc() + " " + s.child();
        if (step instanceof Step.VFork s) return "vfork " + s.proc() + " " + s.child();
        if (step instanceof Step.Clone s) return "clone " + s.proc() + " " + s.child() + " "
                    + (s.flags().isEmpty() ? "0" : String.join("|", s.flags())) + " "
                    + (s.signal() == null ? "-" : s.signal().equals("none") ? "0" : s.signal());
        if (step instanceof Step.Exec s) return "exec " + s.proc() + " " + quoted(s.argv());
        if (step instanceof Step.Exit s) return "exit " + s.proc() + " " + s.code();
        if (step instanceof Step.Signal s) return "signal " + s.to() + " " + s.sig() + (s.proc() == null ? "" : " " + s.proc());
        if (step instanceof Step.Wait s) return "wait " + s.proc() + " " + s.target() + (s.options().isEmpty() ? "" : " " + String.join("|", s.options()));
        if (step instanceof Step.Hold s) return "hold " + s.proc() + " " + s.duration().millis();
        if (step instanceof Step.Block s) return "block " + s.proc();
        if (step instanceof Step.Spin s) return "spin " + s.proc() + " " + s.duration().millis();
        if (step instanceof Step.SetVar s) return "set " + s.proc() + " " + s.var() + " " + s.value();
        if (step instanceof Step.AddVar s) return "add " + s.proc() + " " + s.var() + " " + s.value();
        if (step instanceof Step.MapRegion s) return "map " + s.proc() + " " + s.region() + " " + s.pages();
        if (step instanceof Step.Touch s) return "touch " + s.proc() + " " + s.region() + " " + s.pages() + " " + (s.write() ? "write" : "read");
        if (step instanceof Step.Subreaper s) return "subreaper " + s.proc();
        if (step instanceof Step.Ignore s) return "ignore " + s.proc() + " " + s.sig();
        if (step instanceof Step.SetUid s) return "setuid " + s.proc() + " " + s.uid();
        if (step instanceof Step.Rlimit s) return "rlimit " + s.proc() + " " + s.resource() + " " + (s.value() < 0 ? "unlimited" : s.value());
        if (step instanceof Step.Ptrace s) return "ptrace " + s.proc() + " " + s.target();
        if (step instanceof Step.SetPgid s) return "setpgid " + s.proc() + " " + (s.target() == null ? "0" : s.target()) + " "
                + (s.pgid() == null ? "0" : s.pgid());
        if (step instanceof Step.SetSid s) return "setsid " + s.proc();
        if (step instanceof Step.Handle s) return "handle " + s.proc() + " " + s.sig();
        if (step instanceof Step.Mask s) return "mask " + s.proc() + " " + (s.block().isEmpty() ? "-" : String.join("|", s.block())) + " "
                + (s.unblock().isEmpty() ? "-" : String.join("|", s.unblock()));
        if (step instanceof Step.Pause s) return "pause " + s.duration().millis();
        if (step instanceof Step.Repeat s) return "repeat " + s.times() + " { " + body(s.steps()) + " }";
        if (step instanceof Step.Observe) throw new IllegalArgumentException("observe is not one command");
        throw new IllegalArgumentException("no command for " + step.action());
    }

    private static String body(List<Step> steps) {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) sb.append(sb.length() == 0 ? "" : " ; ").append(of(s));
        return sb.toString();
    }

    private static String quoted(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) sb.append(' ');
            sb.append('"').append(JsonStringEncoder.getInstance().quoteAsString(a)).append('"');
        }
        return sb.toString();
    }
}
