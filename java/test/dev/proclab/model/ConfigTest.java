package dev.proclab.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The machine parameters the model takes instead of reading the machine. */
class ConfigTest {
    @Test
    void defaults() {
        ModelConfig c = ModelConfig.DEFAULT;
        assertEquals(32768, c.hostPidMax());
        assertEquals(65536, c.threadsMax());
        assertEquals(0, c.uid());
        assertEquals(1, c.yamaScope());
        assertEquals(SlabGeometry.DEFAULTS, c.slabs());
    }

    @Test
    void slabGeometryOverridesOnlyWhatIsGiven() {
        ModelConfig c = ModelConfig.DEFAULT.withSlabs(Map.of("pid", new SlabGeometry(128, 32, 1)));
        assertEquals(new SlabGeometry(128, 32, 1), c.slabs().get("pid"));
        assertEquals(SlabGeometry.DEFAULTS.get("task_struct"), c.slabs().get("task_struct"));
    }

    @Test
    void invalidValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.DEFAULT.withHostPidMax(300));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.DEFAULT.withHostPidMax(ModelConfig.PID_MAX_LIMIT + 1));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.DEFAULT.withThreadsMax(19));
        assertThrows(IllegalArgumentException.class, () -> new SlabGeometry(0, 1, 1));
    }

    @Test
    void threadsMaxDefaultsRlimitNproc() {
        Lab l = new Lab(ModelConfig.DEFAULT.withThreadsMax(100), dev.proclab.kernel.Sandbox.NONE);
        l.fork("main", "u");
        l.setuid("u", 7);
        // RLIMIT_NPROC is max_threads / 2 = 50: uid 7 may have 50 tasks
        int n = 0;
        while (l.fork("u", "w" + n) == null) n++;
        assertEquals(49, n);
    }

    @Test
    void hostPidMaxIsTheHostsAndTheNamespacesDefault() {
        Lab l = new Lab(ModelConfig.DEFAULT.withHostPidMax(1000), new dev.proclab.kernel.Sandbox(true, null, null));
        assertEquals(1000L, l.system("pid_max"));
    }
}
