package dev.nnc.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the shared library a generated model class carries as a resource (nnc build
 * --backend=native): copied once per process to a temporary file, opened with the FFM API,
 * and kept loaded for the life of the process.
 */
public final class NativeLibrary {
    private static final Map<String, SymbolLookup> LOADED = new ConcurrentHashMap<>();

    private NativeLibrary() {}

    /** This machine's platform as nnc names library resources: {@code linux-x86_64}, {@code linux-aarch64}. */
    public static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux"
                : System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(' ', '_');
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
        return os + "-" + arch;
    }

    /**
     * The native functions of a model class: {@code owner}'s resource {@code <simple name>-<platform>.so}
     * next to its class file.
     *
     * @throws IllegalStateException when the class carries no library for this platform
     */
    public static NativeCompiledModel.EntryPoints entryPoints(Class<?> owner, int kernelCount) {
        String resource = owner.getSimpleName() + "-" + platform() + ".so";
        SymbolLookup lookup = LOADED.computeIfAbsent(owner.getName() + "/" + resource, k -> open(owner, resource));
        return NativeCompiledModel.EntryPoints.lookup(lookup, kernelCount);
    }

    private static SymbolLookup open(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(owner.getName() + " carries no native code for this machine (" + platform()
                        + "): its jar has no " + resource + "; compile the model for this platform, or use the jvm backend");
            }
            Path file = Files.createTempFile("nnc-" + owner.getSimpleName() + "-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack the native code of " + owner.getName() + ": " + e.getMessage(), e);
        }
    }
}
