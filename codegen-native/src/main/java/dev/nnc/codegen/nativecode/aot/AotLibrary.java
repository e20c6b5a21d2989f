package dev.nnc.codegen.nativecode.aot;

import dev.nnc.codegen.nativecode.NativeCompiler;
import dev.nnc.codegen.nativecode.NativeModule;
import dev.nnc.codegen.nativecode.NativeTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The native backend's ahead-of-time output: a model compiled into a shared library
 * ({@code libmnist.so}) or, for a name ending in {@code .o}, one relocatable object to link
 * statically, with its documented C header ({@code mnist.h}) beside it.
 *
 * <p>The library holds the model's -O3 machine code, a generic C runtime (safetensors reader,
 * thread pool, argument checks; resources of this package) and the model's tables and API
 * functions (generated C). The C parts are compiled by the clang and linked by the lld bundled
 * in the LLVM jar, for any target it knows: an AArch64 library builds on an x86_64 machine
 * with no toolchain or C headers installed. The library needs only the C library at run time.
 */
public final class AotLibrary {
    private AotLibrary() {}

    /** What {@link #write} produced. */
    public enum Kind { SHARED_LIBRARY, OBJECT }

    /**
     * @param binary the library or object
     * @param header the C header beside it
     * @param prefix the prefix of the API's names ({@code mnist} for {@code mnist_create})
     */
    public record Written(Path binary, Path header, Kind kind, String prefix) {}

    /**
     * Compiles {@code module} for {@code target} into {@code output} and writes the header
     * beside it. The API prefix comes from the file name (see {@link #apiPrefix}).
     *
     * @throws dev.nnc.codegen.nativecode.NativeCompileException if LLVM, clang or lld fail
     * @throws UncheckedIOException if a file cannot be written
     */
    public static Written write(NativeModule module, NativeTarget target, Path output) {
        Path binary = output.toAbsolutePath();
        String prefix = apiPrefix(binary);
        Kind kind = binary.getFileName().toString().endsWith(".o") ? Kind.OBJECT : Kind.SHARED_LIBRARY;
        ApiModel api = ApiModel.of(prefix, module.program());
        Path work = null;
        try {
            Files.createDirectories(binary.getParent());
            work = Files.createTempDirectory("nnc-aot-");
            BundledTools tools = BundledTools.get();
            List<Path> objects = new ArrayList<>();
            Path code = work.resolve("model.o");
            Files.write(code, NativeCompiler.object(module, target));
            objects.add(code);
            List<Path> sources = new ArrayList<>(RuntimeSources.copyTo(work));
            Path tables = work.resolve(prefix + "_api.c");
            Files.writeString(tables, ModelSource.text(api, module));
            sources.add(tables);
            for (Path source : sources) {
                Path object = work.resolve(source.getFileName().toString().replaceAll("\\.c$", ".o"));
                tools.compile(target, source, object);
                objects.add(object);
            }
            List<String> exports = CApi.functions(api).stream().map(CApi.Function::name).toList();
            LibraryLinker linker = new LibraryLinker(tools, target, work);
            if (kind == Kind.OBJECT) {
                linker.relocatableObject(objects, exports, binary);
            } else {
                linker.sharedLibrary(objects, exports, binary);
            }
            Path header = binary.resolveSibling(prefix + ".h");
            Files.writeString(header, HeaderSource.text(api, target, binary.getFileName().toString()));
            return new Written(binary, header, kind, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output, e);
        } finally {
            if (work != null) deleteTree(work);
        }
    }

    /**
     * The model's machine code alone as a shared library exporting the native module's entry
     * points ({@code nnc_prepare}, {@code nnc_kI}, ...), for a Java class to load through the FFM
     * API (the runtime's NativeCompiledModel drives the kernels; no C runtime is needed).
     */
    public static byte[] kernelLibrary(NativeModule module, NativeTarget target) {
        Path work = null;
        try {
            work = Files.createTempDirectory("nnc-aot-");
            Path code = work.resolve("model.o");
            Files.write(code, NativeCompiler.object(module, target));
            Path library = work.resolve("model.so");
            new LibraryLinker(BundledTools.get(), target, work).sharedLibrary(List.of(code), NativeCompiler.exportedSymbols(module), library);
            return Files.readAllBytes(library);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link the kernel library of " + module.name(), e);
        } finally {
            if (work != null) deleteTree(work);
        }
    }

    /**
     * The prefix of the C API's names, from the output file's name: up to its first dot, without
     * a leading {@code lib}, spelled as a C identifier ({@code libmnist_cnn.so} gives {@code mnist_cnn}).
     */
    public static String apiPrefix(Path output) {
        String name = output.getFileName().toString();
        int dot = name.indexOf('.');
        if (dot > 0) name = name.substring(0, dot);
        if (name.startsWith("lib") && name.length() > 3) name = name.substring(3);
        return CSyntax.identifier(name);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // A scratch directory left in /tmp is harmless; the output is complete.
        }
    }
}
