package dev.nnc.cli;

import dev.nnc.codegen.cuda.CudaBackend;
import dev.nnc.codegen.cuda.CudaTarget;
import dev.nnc.codegen.cuda.PtxModule;
import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.nativecode.NativeCompileException;
import dev.nnc.codegen.nativecode.NativeModule;
import dev.nnc.codegen.nativecode.NativeTarget;
import dev.nnc.codegen.nativecode.aot.AotLibrary;
import dev.nnc.frontend.Frontend;
import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nnc build FILE -o out.jar}: a jar of generated model classes, plus the runtime jar
 * beside it; with {@code --backend=native}, a shared library and C header, an object, or a jar
 * whose classes run native code; with {@code --backend=cuda}, a jar whose classes run PTX on
 * the GPU, or the PTX alone.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Compiles the models of a .nn file and writes them out.",
                "jvm backend (default): a jar of model classes; the runtime jar they need",
                "(nnc-runtime.jar) is written beside it; run with",
                "  java --add-modules jdk.incubator.vector -cp out.jar:nnc-runtime.jar YourApp",
                "native backend: -o libNAME.so (shared library + NAME.h), -o NAME.o (object",
                "+ NAME.h), or -o NAME.jar (model classes running the native code).",
                "cuda backend: -o NAME.jar (model classes running PTX on the GPU) or -o NAME.ptx."})
final class BuildCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .nn file to compile.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "The file to write (default: <Model>.jar, or lib<model>.so with --backend=native).")
    Path output;

    @Mixin
    CompileOptions options;

    @Mixin
    BackendOptions backend;

    @Mixin
    OutputBackend outputBackend;

    @Mixin
    NativeOptions nativeOptions;

    @Mixin
    CudaOptions cudaOptions;

    @Mixin
    OptimizeOptions optimize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        optimize.check();
        PrintWriter err = spec.commandLine().getErr();
        Frontend.Result r = options.compile(file, err);
        List<Graph> models = options.selectedModels(r);
        if (models.isEmpty()) throw new UserError("the file defines no model (only layers)");
        OutputBackend.Kind kind = outputBackend.kind;
        boolean toJar = output == null || output.toString().endsWith(".jar");
        if (kind == OutputBackend.Kind.NATIVE && !toJar) return nativeLibrary(models, err);
        if (kind == OutputBackend.Kind.CUDA && !toJar) return ptxFile(models, err);
        Path jar = output != null ? output : Path.of(JvmBackend.className(models.getFirst().name()) + ".jar");
        List<JvmBackend.Result> compiled = new ArrayList<>();
        for (Graph g : models) {
            compiled.add(switch (kind) {
                case NATIVE -> nativeClasses(g, err);
                case CUDA -> cudaClasses(g, err);
                case JVM -> JvmCompilation.compile(g, optimize, backend.packageName, backend.strict, err);
            });
        }
        JarOutput.write(jar, compiled);
        for (JvmBackend.Result c : compiled) for (String note : c.notes()) err.println("note: " + note);
        spec.commandLine().getOut().println("wrote " + jar + " (" + String.join(", ",
                compiled.stream().map(JvmBackend.Result::className).toList()) + ") and " + JarOutput.RUNTIME_JAR + " beside it");
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A shared library (or object) with its C header: one model per file. */
    private int nativeLibrary(List<Graph> models, PrintWriter err) {
        if (models.size() > 1) {
            throw new UserError("the file defines several models (" + String.join(", ", models.stream().map(Graph::name).toList())
                    + "); a native library holds one: choose it with --model NAME");
        }
        Graph g = models.getFirst();
        Path out = output != null ? output : Path.of("lib" + g.name().toLowerCase(Locale.ROOT) + ".so");
        NativeTarget target = nativeOptions.target();
        NativeModule module = NativeCompilation.emit(JvmCompilation.lower(g, optimize, err), target);
        AotLibrary.Written w;
        try {
            w = AotLibrary.write(module, target, out);
        } catch (UncheckedIOException e) {
            throw new UserError("cannot write " + out + ": " + why(e.getCause()));
        } catch (NativeCompileException e) {
            throw new UserError("cannot build " + out + " for " + target.triple() + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println("wrote " + w.binary() + " (" + (w.kind() == AotLibrary.Kind.OBJECT ? "object" : "shared library")
                + " for " + target + ") and " + w.header() + " (C API: " + w.prefix() + "_create, " + w.prefix() + "_run, ...)");
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code -o NAME.ptx}: one model's PTX; any other file than a jar or .ptx is refused. */
    private int ptxFile(List<Graph> models, PrintWriter err) {
        if (!output.toString().endsWith(".ptx")) {
            throw new UserError("--backend=cuda writes a jar (-o NAME.jar) or PTX (-o NAME.ptx), not " + output);
        }
        if (models.size() > 1) {
            throw new UserError("the file defines several models (" + String.join(", ", models.stream().map(Graph::name).toList())
                    + "); a PTX file holds one: choose it with --model NAME");
        }
        CudaTarget target = cudaOptions.target();
        Output.write(CudaCompilation.ptx(JvmCompilation.lower(models.getFirst(), optimize, err), target), output,
                spec.commandLine().getOut());
        spec.commandLine().getOut().println("wrote " + output + " (PTX for " + target + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** What went wrong with a file, in words. */
    private static String why(java.io.IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> n.getFile() + " does not exist";
            case java.nio.file.AccessDeniedException a -> "permission denied on " + a.getFile();
            case java.nio.file.FileSystemException f -> f.getFile() + ": " + f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    /** The model class running native code, with its library as a resource beside it. */
    private JvmBackend.Result nativeClasses(Graph g, PrintWriter err) {
        NativeTarget target = nativeOptions.target();
        KernelProgram p = JvmCompilation.lower(g, optimize, err);
        NativeModule module = NativeCompilation.emit(p, target);
        String className = className(p);
        byte[] library;
        try {
            library = AotLibrary.kernelLibrary(module, target);
        } catch (UncheckedIOException | NativeCompileException e) {
            String why = e instanceof UncheckedIOException io ? why(io.getCause()) : e.getMessage();
            throw new UserError("cannot build the native code of " + p.name() + " for " + target.triple() + ": " + why);
        }
        return JvmBackend.compileNative(p, className, module.signature(), module.kernelCount(), target.toString(),
                target.platform(), library);
    }

    /** The model class running PTX on the GPU, with the PTX as a resource beside it. */
    private JvmBackend.Result cudaClasses(Graph g, PrintWriter err) {
        CudaTarget target = cudaOptions.target();
        KernelProgram p = JvmCompilation.lower(g, optimize, err);
        PtxModule module = CudaCompilation.emit(p, target);
        return JvmBackend.compileCuda(p, className(p), module.signature(), module.launchTable().text(), CudaBackend.ptx(module));
    }

    private String className(KernelProgram p) {
        return (backend.packageName == null || backend.packageName.isEmpty() ? "" : backend.packageName + ".")
                + JvmBackend.className(p.name());
    }
}
