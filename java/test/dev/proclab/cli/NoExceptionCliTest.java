package dev.proclab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.proclab.posix.Posix;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear message in words and the exit code that fits; no exception reaches a user. */
class NoExceptionCliTest {
    private static void words(Cli r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("Exception"), all);
        assertFalse(all.contains("java."), all);
    }

    @Test
    void anAgentNamedThatIsNotThereIsABadCommandLine(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("run", "zombie", "--agent", dir.resolve("nope").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--agent " + dir.resolve("nope") + ": there is no such file"), r.err());
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        r = Cli.run("run", "zombie", "--agent", plain.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("it is not executable"), r.err());
        words(r);
    }

    @Test
    void anAgentThatNeverSaysHelloIsAFailedMachine() {
        assumeTrue(Posix.isLinux() && Files.isExecutable(Path.of("/bin/true")), "needs /bin/true");
        Cli r = Cli.run("run", "zombie", "--agent", "/bin/true");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("did not say hello"), r.err());
        words(r);
    }

    @Test
    void benchOptionsOutOfRange() {
        Cli r = Cli.run("bench", "agent", "--rounds", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--forks and --rounds must be at least 1"), r.err());
        words(r);
    }

    @Test
    void anUnwritableReportIsSaidBeforeTheRun(@TempDir Path dir) {
        Cli r = Cli.run("run", "zombie", "--model-only", "--html", dir.resolve("no/such/dir/r.html").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("cannot write the report") && r.err().contains("there is no directory"), r.err());
        assertFalse(r.out().contains("zombie:"), "nothing ran: " + r.out());
        r = Cli.run("run", "zombie", "--model-only", "--html", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("it is a directory"), r.err());
        words(r);
    }

    @Test
    void aLabFileThatCannotBeReadIsSaidInWords(@TempDir Path dir) {
        Cli r = Cli.run("run", "--file", dir.resolve("missing.yaml").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("missing.yaml: cannot read the lab file: there is no such file"), r.err());
        r = Cli.run("run", "--file", dir.toString() + "/");
        assertEquals(2, r.exit());
        words(r);
    }

    @Test
    void writeErrorsOnStdoutAreAFailure() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full");
        PrintStream old = System.out;
        try (PrintStream full = new PrintStream(new FileOutputStream("/dev/full"), true)) {
            System.setOut(full);
            int code = Main.execute("run", "zombie", "--model-only");
            assertEquals(3, code, "a run whose table could not be written did not succeed");
        } finally {
            System.setOut(old);
        }
    }
}
