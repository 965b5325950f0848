package dev.proclab.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds labs by id: first in a labs directory (a lab being written there shadows the bundled one of
 * the same id), then among the labs bundled in the jar under {@value #RESOURCES}. The bundled ids come
 * from {@value #INDEX} (one id or file name a line, {@code #} comments) when it exists, otherwise from
 * listing the resource directory (on the file system or inside the jar).
 */
public final class LabLibrary {
    public static final String RESOURCES = "dev/proclab/labs/";
    public static final String INDEX = RESOURCES + "index.txt";

    private final Path dir;
    private final ClassLoader loader;

    /** {@code dir} may be null or missing (bundled labs only); {@code loader} may be null (no bundled labs). */
    public LabLibrary(Path dir, ClassLoader loader) {
        this.dir = dir;
        this.loader = loader;
    }

    /**
     * The usual library: {@code $proclab.home/labs} when the system property is set, else
     * {@code ./labs} when it exists; plus the bundled labs.
     */
    public static LabLibrary standard() {
        String home = System.getProperty("proclab.home");
        Path dir = home != null && !home.isEmpty() ? Path.of(home, "labs") : Path.of("labs");
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return new LabLibrary(dir, cl != null ? cl : LabLibrary.class.getClassLoader());
    }

    /** The labs directory, or null. */
    public Path dir() {
        return dir;
    }

    /** Whether the lab is one of the library's own: bundled, or a file in its labs directory (not --file). */
    public boolean isOwn(Lab lab) {
        if (lab.path() == null) return true;
        if (dir == null) return false;
        try {
            return lab.path().toAbsolutePath().normalize().getParent().equals(dir.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every lab id, directory and bundled, sorted. */
    public Set<String> ids() {
        Set<String> ids = new TreeSet<>(dirIds());
        ids.addAll(bundledIds());
        return Collections.unmodifiableSet(ids);
    }

    /** Every lab, sorted by id, each parsed; a broken one is listed with its errors. */
    public List<LabInfo> list() {
        TreeMap<String, LabInfo> out = new TreeMap<>();
        for (String id : bundledIds()) out.put(id, info(id, true));
        for (String id : dirIds()) out.put(id, info(id, false));
        return List.copyOf(out.values());
    }

    private LabInfo info(String id, boolean bundled) {
        String file = bundled ? "classpath:" + RESOURCES + id + ".yaml" : dir.resolve(id + ".yaml").toString();
        try {
            Lab lab = bundled ? loadBundled(id) : LabParser.parseFile(dir.resolve(id + ".yaml"));
            return new LabInfo(lab.id(), lab.title(), lab.requires(), lab.file(), bundled, List.of());
        } catch (LabException e) {
            return new LabInfo(id, null, Set.of(), file, bundled, e.errors());
        }
    }

    /** The lab with this id: the directory's, else the bundled one. */
    public Lab load(String id) throws LabException {
        if (dir != null) {
            Path p = dir.resolve(id + ".yaml");
            if (Files.isRegularFile(p) && id.equals(LabParser.idOf(p.getFileName().toString()))) {
                return LabParser.parseFile(p);
            }
        }
        if (bundledIds().contains(id) || resource(id) != null) return loadBundled(id);
        throw new LabException(new LabError(null, 0, 0, "no lab named " + id
                + Suggest.or(Suggest.didYouMean(id, ids()), ids().isEmpty() ? "" : "; labs are " + String.join(", ", ids()))));
    }

    /** A lab file anywhere; its id must equal its file name. */
    public Lab loadFile(Path file) throws LabException {
        return LabParser.parseFile(file);
    }

    /** A lab id, or a path when the argument names a .yaml/.yml file or contains a '/'. */
    public Lab resolve(String idOrPath) throws LabException {
        if (idOrPath.endsWith(".yaml") || idOrPath.endsWith(".yml") || idOrPath.contains("/")) {
            return loadFile(Path.of(idOrPath));
        }
        return load(idOrPath);
    }

    private Lab loadBundled(String id) throws LabException {
        String name = RESOURCES + id + ".yaml";
        URL url = resource(id);
        if (url == null) throw new LabException(new LabError("classpath:" + name, 0, 0, "bundled lab is missing"));
        try (InputStream in = url.openStream()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return LabParser.parse(text, "classpath:" + name, id);
        } catch (IOException e) {
            throw new LabException(new LabError("classpath:" + name, 0, 0, "cannot read the bundled lab: " + e));
        }
    }

    private URL resource(String id) {
        return loader == null || !LabParser.isId(id) ? null : loader.getResource(RESOURCES + id + ".yaml");
    }

    private List<String> dirIds() {
        List<String> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".yaml"))
                    .map(p -> LabParser.idOf(p.getFileName().toString()))
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            // an unreadable directory has no labs
        }
        return out;
    }

    /** Ids of the bundled labs: the index when there is one, else a listing of the resource directory. */
    public Set<String> bundledIds() {
        Set<String> out = new TreeSet<>();
        if (loader == null) return out;
        try {
            Enumeration<URL> idx = loader.getResources(INDEX);
            boolean indexed = false;
            while (idx.hasMoreElements()) {
                indexed = true;
                try (InputStream in = idx.nextElement().openStream()) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        String l = line.strip();
                        if (l.isEmpty() || l.startsWith("#")) continue;
                        out.add(LabParser.idOf(l));
                    }
                }
            }
            if (indexed) return out;
            Enumeration<URL> dirs = loader.getResources(RESOURCES.substring(0, RESOURCES.length() - 1));
            while (dirs.hasMoreElements()) listing(dirs.nextElement(), out);
        } catch (IOException e) {
            // no bundled labs to be found
        }
        return out;
    }

    private static void listing(URL url, Set<String> out) throws IOException {
        if ("file".equals(url.getProtocol())) {
            try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).map(LabParser::idOf).forEach(out::add);
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        } else if ("jar".equals(url.getProtocol())) {
            URLConnection c = url.openConnection();
            if (!(c instanceof JarURLConnection jc)) return;
            jc.setUseCaches(false);
            try (JarFile jar = jc.getJarFile()) {
                Enumeration<JarEntry> es = jar.entries();
                while (es.hasMoreElements()) {
                    String n = es.nextElement().getName();
                    if (n.startsWith(RESOURCES) && n.endsWith(".yaml") && n.indexOf('/', RESOURCES.length()) < 0) {
                        out.add(LabParser.idOf(n.substring(RESOURCES.length())));
                    }
                }
            }
        }
    }
}
