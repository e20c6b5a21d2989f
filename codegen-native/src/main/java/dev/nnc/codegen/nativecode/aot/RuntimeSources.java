package dev.nnc.codegen.nativecode.aot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The generic C runtime, shipped as resources of this package: its headers and the sources compiled into every library. */
final class RuntimeSources {
    static final List<String> HEADERS = List.of("nnc_libc.h", "nnc_runtime.h", "nnc_support.h");
    static final List<String> SOURCES = List.of("nnc_support.c", "nnc_pool.c", "nnc_weights.c", "nnc_model.c");

    private RuntimeSources() {}

    /** Copies every header and source into {@code dir}; returns the sources' paths. */
    static List<Path> copyTo(Path dir) {
        List<Path> sources = new ArrayList<>();
        for (String name : HEADERS) copy(name, dir);
        for (String name : SOURCES) sources.add(copy(name, dir));
        return sources;
    }

    private static Path copy(String name, Path dir) {
        Path target = dir.resolve(name);
        try (InputStream in = RuntimeSources.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the runtime source " + name + " is missing from nnc's jar");
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        return target;
    }
}
