package dev.proclab.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN.md's "Parts" table, said with ArchUnit on the compiled classes (not on import lines). */
class ArchitectureTest {
    private static final String P = "dev.proclab.";
    private static final String JSON = "com.fasterxml..";

    /** package → the packages it may use besides the JDK and itself (DESIGN.md, "may depend on"). */
    private static final Map<String, List<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            Map.entry("kernel", List.of()),
            Map.entry("model", List.of(P + "kernel..")),
            Map.entry("proc", List.of()),
            Map.entry("posix", List.of("com.sun.jna..", "jnr.posix..", "jnr.constants..", "jnr.ffi..")),
            Map.entry("lab", List.of(P + "kernel..", JSON)),
            Map.entry("real", List.of(P + "kernel..", P + "proc..", P + "posix..", JSON)),
            Map.entry("compare", List.of(P + "kernel..", P + "lab..")),
            Map.entry("report", List.of(P + "kernel..", P + "compare..", P + "lab..", JSON, "org.jfree..")),
            Map.entry("bench", List.of(P + "kernel..", P + "lab..", P + "compare..", P + "model..", P + "real..", P + "proc..", JSON)),
            Map.entry("fuzz", List.of(P + "kernel..", P + "lab..", P + "compare..", P + "model..", P + "real..", JSON)),
            Map.entry("watch", List.of(P + "kernel..", P + "real..", P + "report..", JSON))));

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        // what a class names is enough for these rules: not resolving it through the JDK keeps this fast
        com.tngtech.archunit.ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        // the main classes only, read from where Maven compiled them (scanning the classpath's jars is slow)
        java.nio.file.Path main = java.nio.file.Path.of(System.getProperty("proclab.home", "."), "target", "classes");
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPath(main);
    }

    static Stream<String> packages() {
        return ALLOWED.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("packages")
    void usesOnlyWhatDesignAllows(String pkg) {
        List<String> may = new ArrayList<>(List.of("java..", "javax..", P + pkg + ".."));
        may.addAll(ALLOWED.get(pkg));
        EvaluationResult r = classes().that().resideInAPackage(P + pkg + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(may.toArray(String[]::new))
                .allowEmptyShould(true)
                .evaluate(classes);
        if (r.hasViolation()) throw new AssertionError("package " + pkg + " reaches outside what DESIGN.md allows:\n" + r.getFailureReport());
    }

    @Test
    void onlyPosixTouchesNativeLibraries() {
        noClasses().that().resideOutsideOfPackage(P + "posix..")
                .should().dependOnClassesThat().resideInAnyPackage("com.sun.jna..", "jnr..")
                .check(classes);
    }

    @Test
    void onlyCliUsesPicocli() {
        noClasses().that().resideOutsideOfPackage(P + "cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(P + "(*)..").should().beFreeOfCycles().check(classes);
    }
}
