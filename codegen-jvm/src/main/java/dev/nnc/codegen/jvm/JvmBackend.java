package dev.nnc.codegen.jvm;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.kernels.VectorSupport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM backend's entry point: kernel IR in, class files out. The model class needs only
 * the runtime jar (and {@code --add-modules jdk.incubator.vector} for its vector paths).
 */
public final class JvmBackend {
    private JvmBackend() {}

    /**
     * The generated classes of a model.
     *
     * @param className binary name of the model class, e.g. {@code MnistCnn} or {@code com.acme.MnistCnn}
     * @param classes class files by binary name (the model class and its vector companion)
     * @param warnings what the user should know: scalar paths the model will take
     * @param notes facts about the generated API worth saying when writing classes (e.g. no typed predict)
     * @param resources other files the classes load, by path in the jar (a native class's library)
     */
    public record Result(String className, Map<String, byte[]> classes, List<String> warnings, List<String> notes,
                         Map<String, byte[]> resources) {
        public Result(String className, Map<String, byte[]> classes, List<String> warnings, List<String> notes) {
            this(className, classes, warnings, notes, Map.of());
        }

        /** The same classes with their resources. */
        public Result withResources(Map<String, byte[]> more) {
            return new Result(className, classes, warnings, notes, more);
        }

        /** The jar path of a resource beside the model class, e.g. {@code com/acme/MnistCnn-linux-x86_64.so}. */
        public String resourcePath(String fileName) {
            int dot = className.lastIndexOf('.');
            return (dot < 0 ? "" : className.substring(0, dot).replace('.', '/') + "/") + fileName;
        }
    }

    /** @throws UnsupportedByBackend when the model needs something this backend cannot do yet */
    public static Result compile(KernelProgram program, String className) {
        ModelClassEmitter.checkSupported(program);
        String internal = className.replace('.', '/');
        ModelClassEmitter emitter = new ModelClassEmitter(program, internal);
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put(className, emitter.mainClass());
        classes.put(className + "$Vec", emitter.vectorClass());
        List<String> warnings = new ArrayList<>();
        if (!VectorSupport.available()) {
            warnings.add("the Vector API is not available to this JVM (" + VectorSupport.describe()
                    + "); the model will run its scalar paths here unless started with --add-modules jdk.incubator.vector");
        }
        return new Result(className, classes, warnings, typedPredictNotes(emitter, className));
    }

    /**
     * The model class for native code: the same API as {@link #compile}'s, extending the
     * runtime's NativeCompiledModel, with its kernels in the library the caller puts beside the
     * class as resource {@code <SimpleName>-<platform>.so} (see {@code NativeLibrary}).
     *
     * @param signature the native module's signature (with its workspaces)
     * @param kernelCount the native module's run-time kernel count
     * @param description what the code is, for backendInfo (target and CPU)
     * @param platform the platform the library is for, as the runtime's NativeLibrary names it ({@code linux-x86_64})
     * @param library the shared library exporting the native module's entry points
     */
    public static Result compileNative(KernelProgram program, String className, String signature, int kernelCount,
                                       String description, String platform, byte[] library) {
        String internal = className.replace('.', '/');
        ModelClassEmitter emitter = new ModelClassEmitter(program, internal,
                new ModelClassEmitter.NativeCode(signature, kernelCount, description));
        Result classes = new Result(className, Map.of(className, emitter.mainClass()), List.of(), typedPredictNotes(emitter, className));
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return classes.withResources(Map.of(classes.resourcePath(simple + "-" + platform + ".so"), library));
    }

    /**
     * The model class for PTX: the same API as {@link #compile}'s, extending the runtime's
     * CudaCompiledModel, which loads the PTX (carried as resource {@code <SimpleName>.ptx} beside
     * the class) on the GPU when the class is constructed.
     *
     * @param signature the CUDA module's signature (with its {@code indices} lines)
     * @param launchTable the CUDA module's launch table, as the runtime's {@code LaunchTable} writes it
     * @param ptx the module's PTX text
     */
    public static Result compileCuda(KernelProgram program, String className, String signature, String launchTable, String ptx) {
        String internal = className.replace('.', '/');
        ModelClassEmitter emitter = new ModelClassEmitter(program, internal, new ModelClassEmitter.CudaCode(signature, launchTable));
        Result classes = new Result(className, Map.of(className, emitter.mainClass()), List.of(), typedPredictNotes(emitter, className));
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return classes.withResources(Map.of(classes.resourcePath(simple + ".ptx"), ptx.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> typedPredictNotes(ModelClassEmitter emitter, String className) {
        if (emitter.typedPredictPossible()) return List.of();
        return List.of("no typed predict(...) for " + className + ": its symbolic dims cannot all be read off input lengths;"
                + " use run(Map) instead");
    }

    /** The resource {@code load()} of a generated class reads its weights from, beside the class: {@code com/acme/MnistCnn.safetensors}. */
    public static String weightsResourcePath(String className) {
        return className.replace('.', '/') + ".safetensors";
    }

    /** A valid Java class name for a model name. */
    public static String className(String modelName) {
        StringBuilder s = new StringBuilder();
        for (char c : modelName.toCharArray()) s.append(Character.isJavaIdentifierPart(c) ? c : '_');
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) s.insert(0, 'M');
        return s.toString();
    }
}
