package dev.proclab.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's figure readers, each checked against a change it must see. */
class ProcessTableTest {
    private static void assumeProc() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of(ProcPaths.SELF_FD)), "no /proc here");
    }

    @Test
    void fdCountRisesByOneWhenAFileIsOpenedAndFallsBackWhenClosed(@TempDir Path dir) throws Exception {
        assumeProc();
        Path f = Files.writeString(dir.resolve("f"), "x");
        // the count is the whole JVM's: another test's leftover thread (an agent's reader ending) may open
        // or close one meanwhile (a fresh-clone CI run read 53 for 54 once). Judged on a quiet try: the
        // count back where it was after the close
        List<String> tries = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int before = ProcessTable.openFds();
            int open;
            try (InputStream in = Files.newInputStream(f)) {
                open = ProcessTable.openFds();
                assertEquals('x', in.read(), "the file is really open");
            }
            int after = ProcessTable.openFds();
            tries.add(before + "/" + open + "/" + after);
            if (after != before) continue;
            assertEquals(before + 1, open, "before/open/after: " + tries);
            return;
        }
        throw new AssertionError("the JVM's fd count never held still across a try: " + tries);
    }

    @Test
    void aChildIsADescendantWhileItLivesAndCountsInTheTable() throws Exception {
        assumeProc();
        long me = ProcessHandle.current().pid();
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessTable t = ProcessTable.scan();
            assertTrue(t.descendants(me).contains(p.pid()), "sleep " + p.pid() + " is among " + t.descendants(me));
            assertFalse(t.descendants(me).contains(me));
            assertEquals(me, t.get(p.pid()).ppid());
            assertTrue(t.count() >= 2);
            assertTrue(t.runningExecutable(Path.of("/proc/self/exe").toRealPath()).contains(me), "this JVM runs its own executable");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertFalse(ProcessTable.scan().descendants(me).contains(p.pid()), "a reaped child is gone");
    }

    @Test
    void osThreadsRiseWithAThreadAndFallBack() throws Exception {
        assumeProc();
        long before = ProcessTable.osThreads();
        CountDownLatch started = new CountDownLatch(1), stop = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        started.await();
        long during = ProcessTable.osThreads();
        stop.countDown();
        t.join();
        // other JVM threads (JIT, GC) may come and go meanwhile: ours is at least seen
        assertTrue(during >= before + 1 || during > ProcessTable.osThreads(), "before " + before + ", during " + during);
    }

    @Test
    void findsThePidsCgroupDirectoryWhenThereIsOne() {
        assumeProc();
        Path dir = Cgroups.pidsDir();
        Assumptions.assumeTrue(dir != null, "no pids cgroup controller here");
        assertTrue(Files.isDirectory(dir), dir.toString());
        assertNotNull(Cgroups.named(dir, "no-such-prefix-"));
        assertTrue(Cgroups.named(dir, "no-such-prefix-").isEmpty());
    }
}
