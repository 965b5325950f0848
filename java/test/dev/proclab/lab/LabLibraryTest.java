package dev.proclab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proclab.kernel.Capability;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabLibraryTest {
    static String lab(String id, String title) {
        return "id: " + id + "\ntitle: " + title + "\nrequires: [linux]\nsteps:\n  - fork: {proc: main, child: kid}\n";
    }

    @Test
    void bundledLabsComeFromTheClasspath() throws Exception {
        LabLibrary lib = new LabLibrary(null, getClass().getClassLoader());
        assertTrue(lib.bundledIds().contains("zombie"), lib.bundledIds().toString());
        Lab z = lib.load("zombie");
        assertEquals("classpath:dev/proclab/labs/zombie.yaml", z.file());
        assertNull(z.path());
        assertEquals("exit() leaves a zombie until the parent waits", z.title());
    }

    @Test
    void theStandardLibraryReadsTheRepositoryLabs() throws Exception {
        LabLibrary lib = LabLibrary.standard();
        assertTrue(lib.ids().contains("zombie"));
        for (LabInfo info : lib.list()) {
            assertTrue(info.ok(), info.id() + ": " + info.errors());
        }
    }

    @Test
    void theDirectoryShadowsBundledLabs(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("zombie.yaml"), lab("zombie", "my own zombie"));
        Files.writeString(dir.resolve("alpha.yaml"), lab("alpha", "first"));
        Files.writeString(dir.resolve("broken.yaml"), lab("broken", "x") + "  - frok: {}\n");
        Files.writeString(dir.resolve("notes.txt"), "not a lab");
        LabLibrary lib = new LabLibrary(dir, getClass().getClassLoader());
        assertEquals("my own zombie", lib.load("zombie").title());
        assertEquals(dir.resolve("zombie.yaml"), lib.load("zombie").path());
        List<LabInfo> all = lib.list();
        // sorted by id, the directory's and the bundled ones together
        assertEquals(List.of("alpha", "broken", "zombie"), all.stream().map(LabInfo::id).filter(i -> Set.of("alpha", "broken", "zombie").contains(i)).toList());
        assertTrue(all.stream().filter(i -> i.id().equals("zombie")).count() == 1, "a directory lab shadows the bundled one of the same id");
        LabInfo alpha = all.stream().filter(i -> i.id().equals("alpha")).findFirst().orElseThrow();
        assertEquals("first", alpha.title());
        assertEquals(Set.of(Capability.LINUX), alpha.requires());
        assertFalse(alpha.bundled());
        LabInfo broken = all.stream().filter(i -> i.id().equals("broken")).findFirst().orElseThrow();
        assertFalse(broken.ok());
        assertNull(broken.title());
        assertEquals("6:5: unknown step frok; did you mean fork?", broken.errors().get(0).located());
        LabInfo zombie = all.stream().filter(i -> i.id().equals("zombie")).findFirst().orElseThrow();
        assertFalse(zombie.bundled());
    }

    @Test
    void unknownIdsSuggest(@TempDir Path dir) throws Exception {
        LabLibrary lib = new LabLibrary(dir, getClass().getClassLoader());
        LabException e = assertThrows(LabException.class, () -> lib.load("zombi"));
        assertEquals("no lab named zombi; did you mean zombie?", e.getMessage());
        assertThrows(LabException.class, () -> lib.load("../etc/passwd"));
    }

    @Test
    void resolveTakesPaths(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("beta.yaml");
        Files.writeString(f, lab("beta", "second"));
        LabLibrary lib = new LabLibrary(null, null);
        assertEquals("beta", lib.resolve(f.toString()).id());
        assertEquals(f.toString(), lib.resolve(f.toString()).file());
        Files.writeString(dir.resolve("gamma.yaml"), lab("beta", "wrong id"));
        LabException e = assertThrows(LabException.class, () -> lib.resolve(dir.resolve("gamma.yaml").toString()));
        assertEquals("1:5: id beta differs from the file name gamma.yaml; they must be equal", e.first().located());
        LabException missing = assertThrows(LabException.class, () -> lib.resolve(dir.resolve("none.yaml").toString()));
        assertTrue(missing.getMessage().contains("cannot read the lab file"), missing.getMessage());
    }

    @Test
    void anIndexListsTheBundledLabs(@TempDir Path root) throws Exception {
        Path res = Files.createDirectories(root.resolve("dev/proclab/labs"));
        Files.writeString(res.resolve("index.txt"), "# bundled labs\nalpha\nbeta.yaml\n\n");
        Files.writeString(res.resolve("alpha.yaml"), lab("alpha", "a"));
        Files.writeString(res.resolve("beta.yaml"), lab("beta", "b"));
        Files.writeString(res.resolve("gamma.yaml"), lab("gamma", "not in the index"));
        try (URLClassLoader cl = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            LabLibrary lib = new LabLibrary(null, cl);
            assertEquals(Set.of("alpha", "beta"), lib.bundledIds());
            assertEquals("b", lib.load("beta").title());
            assertEquals(List.of("alpha", "beta"), lib.list().stream().map(LabInfo::id).toList());
        }
    }

    @Test
    void withoutAnIndexTheJarIsListed(@TempDir Path root) throws Exception {
        Path jar = root.resolve("labs.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // directory entries, as the jar and shade plugins write them
            for (String d : List.of("dev/", "dev/proclab/", "dev/proclab/labs/")) {
                out.putNextEntry(new JarEntry(d));
                out.closeEntry();
            }
            for (String id : List.of("one", "two")) {
                out.putNextEntry(new JarEntry("dev/proclab/labs/" + id + ".yaml"));
                out.write(lab(id, id.toUpperCase()).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("dev/proclab/labs/sub/three.yaml"));
            out.closeEntry();
        }
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            LabLibrary lib = new LabLibrary(null, cl);
            assertEquals(Set.of("one", "two"), lib.bundledIds());
            assertEquals("TWO", lib.load("two").title());
            assertEquals("classpath:dev/proclab/labs/two.yaml", lib.load("two").file());
        }
    }
}
