package dev.nnc.codegen.nativecode.aot;

import dev.nnc.codegen.nativecode.NativeCompileException;
import dev.nnc.codegen.nativecode.NativeTarget;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.llvm.global.LLVM;

/**
 * The clang, lld and llvm-objcopy executables that ship inside the bytedeco LLVM jar, run as
 * processes. JavaCPP extracts each, once, into its cache directory beside the libLLVM and
 * libclang-cpp libraries they load (their run path is {@code $ORIGIN}); the sonames they ask
 * for ({@code libLLVM.so.20.1}) are added there as links. Nothing outside the jar is used: no
 * system compiler, linker or C headers.
 */
final class BundledTools {
    private static BundledTools instance;

    private final Path clang, lld, objcopy;

    private BundledTools(Path clang, Path lld, Path objcopy) {
        this.clang = clang;
        this.lld = lld;
        this.objcopy = objcopy;
    }

    /** The tools, extracted on first use. */
    static synchronized BundledTools get() {
        if (instance == null) {
            try {
                instance = extract();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the LLVM tools bundled with nnc", e);
            }
        }
        return instance;
    }

    private static BundledTools extract() throws IOException {
        String dir = "/org/bytedeco/llvm/" + Loader.getPlatform() + "/";
        int[] major = new int[1], minor = new int[1], patch = new int[1];
        LLVM.LLVMGetVersion(major, minor, patch);
        String version = major[0] + "." + minor[0];
        for (String library : List.of("libLLVM.so", "libclang-cpp.so")) {
            Path file = cache(dir + library);
            Path soname = file.resolveSibling(library + "." + version);
            try {
                Files.createSymbolicLink(soname, file.getFileName());
            } catch (FileAlreadyExistsException alreadyThere) {
                // Made by an earlier run or a concurrent one.
            }
        }
        return new BundledTools(executable(dir + "clang"), executable(dir + "lld"), executable(dir + "llvm-objcopy"));
    }

    private static Path cache(String resource) throws IOException {
        File f = Loader.cacheResource(LLVM.class, resource);
        if (f == null) throw new IOException(resource + " is not in the bytedeco LLVM jar for " + Loader.getPlatform());
        return f.toPath();
    }

    private static Path executable(String resource) throws IOException {
        Path p = cache(resource);
        if (!p.toFile().canExecute() && !p.toFile().setExecutable(true)) throw new IOException("cannot make " + p + " executable");
        return p;
    }

    /**
     * Compiles a C file of the runtime or of a model's tables into an object for the target:
     * freestanding (the few C library functions are declared by the sources), position
     * independent, everything but the exported API hidden. On AArch64, atomics are inline
     * instructions rather than calls to the compiler's support library, which the library
     * does not link.
     */
    void compile(NativeTarget target, Path source, Path object) {
        List<String> args = new ArrayList<>(List.of("--target=" + target.triple(), "-std=c11", "-O2", "-fPIC", "-ffreestanding",
                "-nostdinc", "-fvisibility=hidden", "-fno-stack-protector"));
        if (target.isAArch64()) args.add("-mno-outline-atomics");
        args.addAll(List.of("-c", source.toString(), "-o", object.toString()));
        run(clang, args);
    }

    /** Runs lld as the GNU-style ELF linker. */
    void link(List<String> arguments) {
        List<String> all = new ArrayList<>(List.of("-flavor", "gnu"));
        all.addAll(arguments);
        run(lld, all);
    }

    void objcopy(List<String> arguments) { run(objcopy, arguments); }

    private static void run(Path tool, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(arguments);
        String name = tool.getFileName().toString();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (process.waitFor() != 0) {
                throw new NativeCompileException(name + " failed (exit status " + process.exitValue() + "): "
                        + String.join(" ", command) + "\n" + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new NativeCompileException("cannot run the bundled " + name + " (" + tool + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NativeCompileException("interrupted while running " + name);
        }
    }
}
