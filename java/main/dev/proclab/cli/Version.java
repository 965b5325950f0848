package dev.proclab.cli;

import picocli.CommandLine.IVersionProvider;

/** --version: the jar's version, the JVM and the OS it runs on. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {
            "proclab " + (v == null ? "0.1.0-dev" : v),
            "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            "OS " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
        };
    }
}
