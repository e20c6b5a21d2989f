package dev.nnc.cli;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.runtime.CompiledModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes compiled models as a jar whose manifest names the runtime jar, and that runtime jar
 * ({@value #RUNTIME_JAR}) beside it, so {@code java -cp model.jar:nnc-runtime.jar App} works.
 */
final class JarOutput {
    static final String RUNTIME_JAR = "nnc-runtime.jar";

    private JarOutput() {}

    static void write(Path jar, List<JvmBackend.Result> models) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.CLASS_PATH, RUNTIME_JAR);
        main.putValue("Nnc-Models", String.join(" ", models.stream().map(JvmBackend.Result::className).toList()));
        main.putValue("Nnc-Runtime", "dev.nnc:nnc-runtime:0.1.0-SNAPSHOT (run with --add-modules jdk.incubator.vector)");
        try {
            Path dir = jar.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
                for (JvmBackend.Result r : models) {
                    for (var e : r.classes().entrySet()) copy(out, e.getKey().replace('.', '/') + ".class", e.getValue());
                    for (var e : r.resources().entrySet()) copy(out, e.getKey(), e.getValue());
                }
            }
            writeRuntime(dir.resolve(RUNTIME_JAR));
        } catch (IOException e) {
            throw new UserError("cannot write " + jar + ": " + e.getMessage());
        }
    }

    /** Copies the runtime classes this compiler runs with (from its own jar or class folder). */
    private static void writeRuntime(Path target) throws IOException {
        Path source;
        try {
            source = Path.of(CompiledModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the runtime classes", e);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source.resolve("dev/nnc/runtime"))) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        copy(out, source.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    for (JarEntry e : java.util.Collections.list(jar.entries())) {
                        if (e.getName().startsWith("dev/nnc/runtime/") && !e.isDirectory()) {
                            copy(out, e.getName(), jar.getInputStream(e).readAllBytes());
                        }
                    }
                }
            }
        }
    }

    private static void copy(OutputStream out, String name, byte[] bytes) throws IOException {
        JarOutputStream jar = (JarOutputStream) out;
        jar.putNextEntry(new JarEntry(name));
        jar.write(bytes);
        jar.closeEntry();
    }
}
