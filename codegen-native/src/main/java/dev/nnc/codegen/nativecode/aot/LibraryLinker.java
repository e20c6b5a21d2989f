package dev.nnc.codegen.nativecode.aot;

import dev.nnc.codegen.nativecode.NativeTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Links a model's objects (its machine code, the runtime, its tables and API) with the
 * bundled lld, so that only the API's functions stay visible: into a shared library through a
 * version script, or into one relocatable object whose other symbols are made local.
 */
final class LibraryLinker {
    /**
     * The C libraries a glibc target's shared library records as needed, so that the dynamic
     * loader brings them in (libpthread is part of libc from glibc 2.34 on and an empty
     * placeholder there). lld links against stand-ins with these sonames: the target's real
     * libraries need not be present when nnc builds.
     */
    private static final List<String> GLIBC_LIBRARIES = List.of("libm.so.6", "libpthread.so.0", "libc.so.6");

    private final BundledTools tools;
    private final NativeTarget target;
    private final Path work;

    /** @param work a private scratch directory for the link's side files */
    LibraryLinker(BundledTools tools, NativeTarget target, Path work) {
        this.tools = tools;
        this.target = target;
        this.work = work;
    }

    /** A shared library exporting {@code exports} alone, its dependencies bound when it is loaded ({@code -z now}). */
    void sharedLibrary(List<Path> objects, List<String> exports, Path output) {
        StringBuilder script = new StringBuilder("{\n  global:\n");
        for (String e : exports) script.append("    ").append(e).append(";\n");
        script.append("  local: *;\n};\n");
        Path versionScript = write("exports.map", script.toString());
        List<String> args = new ArrayList<>(List.of("-shared", "-o", output.toString(), "-soname", output.getFileName().toString(),
                "--version-script=" + versionScript, "-z", "now", "-z", "relro", "-z", "noexecstack", "--build-id=sha1",
                "--eh-frame-hdr"));
        objects.forEach(o -> args.add(o.toString()));
        if (target.triple().contains("-gnu")) libcStandIns().forEach(s -> args.add(s.toString()));
        tools.link(args);
    }

    /** One relocatable object in which every defined symbol but {@code exports} is local. */
    void relocatableObject(List<Path> objects, List<String> exports, Path output) {
        List<String> args = new ArrayList<>(List.of("-r", "-o", output.toString()));
        objects.forEach(o -> args.add(o.toString()));
        tools.link(args);
        Path keep = write("exports.txt", String.join("\n", exports) + "\n");
        tools.objcopy(List.of("--keep-global-symbols=" + keep, output.toString()));
    }

    /** Empty shared libraries carrying the glibc sonames, built for the target from an empty object. */
    private List<Path> libcStandIns() {
        Path empty = work.resolve("empty.o");
        tools.compile(target, write("empty.c", "/* nothing: a stand-in library has no symbols */\n"), empty);
        List<Path> out = new ArrayList<>();
        for (String soname : GLIBC_LIBRARIES) {
            Path stub = work.resolve("stand-in").resolve(soname);
            try {
                Files.createDirectories(stub.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tools.link(List.of("-shared", "-soname", soname, "-o", stub.toString(), empty.toString()));
            out.add(stub);
        }
        return out;
    }

    private Path write(String name, String text) {
        Path p = work.resolve(name);
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p, e);
        }
        return p;
    }
}
