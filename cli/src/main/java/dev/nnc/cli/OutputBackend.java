package dev.nnc.cli;

import picocli.CommandLine.Option;

/** What {@code nnc build} (and {@code nnc FILE}) compiles to. */
final class OutputBackend {
    /** The code generators that write files. */
    enum Kind { JVM, NATIVE, CUDA }

    @Option(names = "--backend", paramLabel = "B", defaultValue = "jvm",
            description = {"jvm (default): a jar of model classes running Vector API bytecode.",
                    "native: LLVM machine code; -o lib<name>.so writes a shared library with a C header (<name>.h), "
                            + "-o <name>.o one object to link statically, -o <name>.jar the same model classes as jvm "
                            + "running the native code, which the jar carries.",
                    "cuda: -o <name>.jar the same model classes running PTX (for --gpu) on the GPU, which the jar "
                            + "carries; -o <name>.ptx the PTX alone."})
    Kind kind;
}
