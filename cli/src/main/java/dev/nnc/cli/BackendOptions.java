package dev.nnc.cli;

import picocli.CommandLine.Option;

/** Options of the commands that generate code. */
final class BackendOptions {
    @Option(names = "--package", paramLabel = "PKG", description = "Java package of the generated model classes (default: none).")
    String packageName;

    @Option(names = "--strict", description = "Treat backend warnings (scalar paths, missing Vector API) as errors.")
    boolean strict;
}
