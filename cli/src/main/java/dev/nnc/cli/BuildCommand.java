package dev.nnc.cli;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nnc build FILE -o out.jar}: a jar of generated model classes, plus the runtime jar beside it. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Compiles the models of a .nn file to JVM classes and writes them as a jar.",
                "The runtime jar they need (nnc-runtime.jar) is written beside it; run with",
                "  java --add-modules jdk.incubator.vector -cp out.jar:nnc-runtime.jar YourApp"})
final class BuildCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .nn file to compile.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.jar", description = "The jar to write (default: the model's name .jar).")
    Path output;

    @Mixin
    CompileOptions options;

    @Mixin
    BackendOptions backend;

    @Mixin
    OptimizeOptions optimize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        optimize.check();
        Frontend.Result r = options.compile(file, spec.commandLine().getErr());
        List<Graph> models = options.selectedModels(r);
        if (models.isEmpty()) throw new UserError("the file defines no model (only layers)");
        Path jar = output != null ? output : Path.of(JvmBackend.className(models.getFirst().name()) + ".jar");
        List<JvmBackend.Result> compiled = new ArrayList<>();
        for (Graph g : models) compiled.add(JvmCompilation.compile(g, optimize, backend.packageName, backend.strict, spec.commandLine().getErr()));
        JarOutput.write(jar, compiled);
        for (JvmBackend.Result c : compiled) for (String note : c.notes()) spec.commandLine().getErr().println("note: " + note);
        spec.commandLine().getOut().println("wrote " + jar + " (" + String.join(", ",
                compiled.stream().map(JvmBackend.Result::className).toList()) + ") and " + JarOutput.RUNTIME_JAR + " beside it");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
