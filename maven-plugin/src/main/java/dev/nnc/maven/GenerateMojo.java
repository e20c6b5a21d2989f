package dev.nnc.maven;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code nnc:generate}: compiles every {@code .nn} file under {@link #sourceDirectory} into model
 * classes written straight into {@link #outputDirectory} (the project's class output, which is on
 * javac's class path, so {@code src/main/java} can import them), copies each model's weights
 * beside its class so {@code load()} finds them, and writes a non-compiled Java description of
 * each class's public API under {@code target/generated-sources/nnc-api} for IDEs and readers.
 * Unchanged inputs are not recompiled.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    /** Where the {@code .nn} files are; a file in a subfolder {@code a/b} gets package {@code packageName.a.b}. */
    @Parameter(property = "nnc.sourceDirectory", defaultValue = "${project.basedir}/src/main/nn", required = true)
    File sourceDirectory;

    /** Where class files and resources are written: the project's class output by default. */
    @Parameter(property = "nnc.outputDirectory", defaultValue = "${project.build.outputDirectory}", required = true)
    File outputDirectory;

    /** Where the API descriptions ({@code .java}, not compiled) are written. */
    @Parameter(property = "nnc.apiDirectory", defaultValue = "${project.build.directory}/generated-sources/nnc-api", required = true)
    File apiDirectory;

    /** Where the incremental-build state is kept. */
    @Parameter(defaultValue = "${project.build.directory}/nnc", readonly = true, required = true)
    File stateDirectory;

    /** The Java package of the generated classes (empty: the unnamed package). */
    @Parameter(property = "nnc.packageName", defaultValue = "")
    String packageName;

    /** {@code jvm} (default): Vector API bytecode; {@code native}: LLVM code for this machine, loaded through the FFM API; {@code cuda}: PTX for sm_80 and newer, run on the GPU. */
    @Parameter(property = "nnc.backend", defaultValue = "jvm")
    String backend;

    /** {@code O0}, {@code O1} or {@code O2} (default). */
    @Parameter(property = "nnc.optimizationLevel", defaultValue = "O2")
    String optimizationLevel;

    /** Model name (as declared: {@code model Mlp(...)}) to a safetensors file, copied beside the class for {@code load()}. */
    @Parameter
    Map<String, File> weights = new LinkedHashMap<>();

    /** Extra folders where imported modules are looked up. */
    @Parameter
    List<File> importPaths = new ArrayList<>();

    /** Skips the goal. */
    @Parameter(property = "nnc.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("nnc: skipped");
            return;
        }
        NncBuild.Config config = new NncBuild.Config(sourceDirectory.toPath(), outputDirectory.toPath(), apiDirectory.toPath(),
                stateDirectory.toPath(), packageName == null ? "" : packageName.trim(), backend, optimizationLevel,
                weights == null ? Map.of() : toPaths(weights),
                importPaths == null ? List.of() : importPaths.stream().map(File::toPath).toList());
        NncBuild.Log log = new NncBuild.Log() {
            @Override public void info(String line) { getLog().info(line); }
            @Override public void warn(String line) { getLog().warn(line); }
            @Override public void error(String line) { getLog().error(line); }
        };
        try {
            new NncBuild(config, log).run();
        } catch (NncBuild.Failure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new MojoExecutionException("nnc: " + e.getMessage(), e);
        }
    }

    private static Map<String, java.nio.file.Path> toPaths(Map<String, File> m) {
        Map<String, java.nio.file.Path> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v == null ? null : v.toPath()));
        return out;
    }
}
