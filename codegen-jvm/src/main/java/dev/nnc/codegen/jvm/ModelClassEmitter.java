package dev.nnc.codegen.jvm;

import static dev.nnc.codegen.jvm.Names.*;
import static org.objectweb.asm.Opcodes.*;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.F32Support;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.ProgramSignature;
import dev.nnc.ir.kernel.SizeLimits;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;

/**
 * Writes the class of one model, extending {@code dev.nnc.runtime.CompiledModel}:
 * <ul>
 *   <li>a constructor from weights by name, which packs GEMM and convolution weights once;
 *   <li>{@code static load(Path)} from a safetensors file;
 *   <li>typed {@code predict(inputs..., outputs...)} over plain arrays (no allocation), and
 *       {@code float[] predict(inputs...)} for single-output models, when every symbolic dim
 *       can be read off an input array's length;
 *   <li>{@code run0}, the kernels in order, and {@code execute}/{@code arenaSize} for
 *       {@code CompiledModel.run};
 *   <li>a scalar method per elementwise kernel; their Vector API twins live in a companion
 *       class {@code Name$Vec}, loaded only when the Vector API is present.
 * </ul>
 */
final class ModelClassEmitter {
    private final KernelProgram program;
    private final String internalName;
    private final String vectorName;
    private final List<String> symbols;
    private final Map<String, Integer> weightIndex = new LinkedHashMap<>();
    private final Map<Kernel, Integer> prepared = new IdentityHashMap<>();
    /**
     * Every generated elementwise loop, numbered for its method name: the program's elementwise
     * kernels (load-time ones included) and, for a matmul or convolution whose epilogue is more
     * than a relu, the in-place loop that applies it to the output.
     */
    private final Map<Kernel, Integer> loops = new IdentityHashMap<>();
    private final Map<Kernel, Kernel.Elementwise> epilogueLoops = new IdentityHashMap<>();
    private final List<Kernel.Elementwise> loopKernels = new ArrayList<>();

    /** Kernels that a runtime host class runs for the generated class, instead of generated JVM code. */
    sealed interface HostedCode permits NativeCode, CudaCode {}

    /**
     * For a class whose kernels are native code in a library it carries as a resource: the native
     * module's signature and kernel count, and what backendInfo says the code is.
     */
    record NativeCode(String signature, int kernelCount, String description) implements HostedCode {}

    /**
     * For a class whose kernels are PTX it carries as the resource {@code <SimpleName>.ptx}: the
     * CUDA module's signature and its launch table (the runtime's {@code LaunchTable} text).
     */
    record CudaCode(String signature, String launchTable) implements HostedCode {}

    private final HostedCode hostedCode;

    ModelClassEmitter(KernelProgram program, String internalName) {
        this(program, internalName, null);
    }

    /** @param hostedCode null for a class running JVM kernels */
    ModelClassEmitter(KernelProgram program, String internalName, HostedCode hostedCode) {
        this.hostedCode = hostedCode;
        this.program = program;
        this.internalName = internalName;
        this.vectorName = internalName + "$Vec";
        this.symbols = symbolsOf(program);
        for (Buf w : program.weights()) weightIndex.put(w.name(), weightIndex.size());
        for (Buf w : program.derived()) weightIndex.put(w.name(), weightIndex.size());
        List<Kernel> all = new ArrayList<>(program.prepare());
        all.addAll(program.kernels());
        for (Kernel k : all) {
            Kernel.Elementwise loop = switch (k) {
                case Kernel.Elementwise e -> e;
                case Kernel.MatMul m -> epilogueLoop(m.out(), m.epilogue());
                case Kernel.Conv2d c -> epilogueLoop(c.out(), c.epilogue());
                default -> null;
            };
            if (loop == null) continue;
            loops.put(k, loopKernels.size());
            loopKernels.add(loop);
            if (!(k instanceof Kernel.Elementwise)) epilogueLoops.put(k, loop);
        }
        for (Kernel k : program.kernels()) {
            if (k instanceof Kernel.MatMul m && packable(m)) prepared.put(k, prepared.size());
            if (k instanceof Kernel.Conv2d c && c.weight().space() == dev.nnc.ir.kernel.Space.WEIGHT) prepared.put(k, prepared.size());
        }
    }

    String vectorName() { return vectorName; }

    /**
     * An epilogue other than none or relu (which the tuned primitives apply in registers) runs
     * as an in-place elementwise pass over the output: %0 reads the output itself.
     */
    private static Kernel.Elementwise epilogueLoop(Buf out, Kernel.Epilogue e) {
        if (e.isNone() || e.isRelu()) return null;
        List<Buf> ins = new ArrayList<>();
        ins.add(out);
        ins.addAll(e.ins());
        return new Kernel.Elementwise(out, ins, e.expr());
    }

    /** Symbols in the order inputs first mention them; they become int locals and parameters. */
    static List<String> symbolsOf(KernelProgram p) { return ProgramSignature.symbols(p); }


    /** A matmul whose B is a 2-D weight and whose A's batch folds into rows: B is packed at load. */
    private static boolean packable(Kernel.MatMul m) {
        return m.b().space() == dev.nnc.ir.kernel.Space.WEIGHT && m.b().type().rank() == 2 && !m.transA();
    }

    byte[] mainClass() {
        if (hostedCode != null) return hostedClass();
        ClassWriter cw = writer();
        cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, COMPILED_MODEL, null);
        cw.visitSource(program.name() + ".nn", null);
        cw.visitField(ACC_STATIC | ACC_FINAL, "VECTOR", "Z", null, null).visitEnd();
        for (Buf in : program.inputs()) typeConstant(cw, in);
        for (Buf out : program.outputs()) typeConstant(cw, out);
        staticInit(cw);
        constructor(cw);
        load(cw);
        loadResource(cw);
        arenaSize(cw);
        execute(cw);
        run0(cw);
        if (typedPredictPossible()) {
            predict(cw);
            if (program.outputs().size() == 1) allocatingPredict(cw);
        }
        if (!program.prepare().isEmpty()) prepare(cw);
        for (int i = 0; i < loopKernels.size(); i++) ElementwiseEmitter.emit(cw, "k" + i + "_scalar", loopKernels.get(i), false, null);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * The class of a model compiled to native code or PTX: the same public API (constructor,
     * load, typed predict, run), extending the runtime's host class for that code
     * (NativeCompiledModel, whose code comes from the library resource
     * {@code <SimpleName>-<platform>.so} beside the class, or CudaCompiledModel, whose PTX is the
     * resource {@code <SimpleName>.ptx}).
     */
    private byte[] hostedClass() {
        ClassWriter cw = writer();
        String host = hostedCode instanceof CudaCode ? CUDA_COMPILED_MODEL : NATIVE_COMPILED_MODEL;
        cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, host, null);
        cw.visitSource(program.name() + ".nn", null);
        for (Buf in : program.inputs()) typeConstant(cw, in);
        for (Buf out : program.outputs()) typeConstant(cw, out);
        switch (hostedCode) {
            case NativeCode n -> nativeConstructor(cw, n);
            case CudaCode c -> cudaConstructors(cw, c);
        }
        load(cw);
        loadResource(cw);
        if (typedPredictPossible()) {
            predict(cw);
            if (program.outputs().size() == 1) allocatingPredict(cw);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private void nativeConstructor(ClassWriter cw, NativeCode n) {
        MethodVisitor mv = constructorStart(cw, n.signature());
        Code code = new Code(mv, Map.of(), 2);
        mv.visitLdcInsn(org.objectweb.asm.Type.getObjectType(internalName));
        code.iconst(n.kernelCount());
        String entryPoints = "L" + NATIVE_COMPILED_MODEL + "$EntryPoints;";
        mv.visitMethodInsn(INVOKESTATIC, "dev/nnc/runtime/NativeLibrary", "entryPoints", "(Ljava/lang/Class;I)" + entryPoints, false);
        mv.visitLdcInsn(n.description());
        mv.visitMethodInsn(INVOKESPECIAL, NATIVE_COMPILED_MODEL, "<init>",
                "(Ljava/util/Map;Ljava/lang/String;" + entryPoints + "Ljava/lang/String;)V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * {@code public Name(Map weights)} loads the class's PTX on the GPU; a package-private
     * {@code Name(Map weights, Device device)} runs it on a device the caller has loaded the same
     * module on (the tests' emulator of the CUDA execution model).
     */
    private void cudaConstructors(ClassWriter cw, CudaCode c) {
        MethodVisitor mv = constructorStart(cw, c.signature());
        mv.visitLdcInsn(c.launchTable());
        mv.visitLdcInsn(org.objectweb.asm.Type.getObjectType(internalName));
        mv.visitMethodInsn(INVOKESPECIAL, CUDA_COMPILED_MODEL, "<init>",
                "(Ljava/util/Map;Ljava/lang/String;Ljava/lang/String;Ljava/lang/Class;)V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        String device = "L" + CUDA_DEVICE + ";";
        mv = cw.visitMethod(0, "<init>", "(Ljava/util/Map;" + device + ")V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitLdcInsn(c.signature());
        mv.visitLdcInsn(c.launchTable());
        mv.visitVarInsn(ALOAD, 2);
        mv.visitMethodInsn(INVOKESPECIAL, CUDA_COMPILED_MODEL, "<init>",
                "(Ljava/util/Map;Ljava/lang/String;Ljava/lang/String;" + device + ")V", false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    byte[] vectorClass() {
        ClassWriter cw = writer();
        cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, vectorName, null, "java/lang/Object", null);
        cw.visitField(ACC_STATIC | ACC_FINAL, "SPECIES", SPECIES_DESC, null, null).visitEnd();
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitFieldInsn(GETSTATIC, FLOAT_VECTOR, "SPECIES_PREFERRED", SPECIES_DESC);
        mv.visitFieldInsn(PUTSTATIC, vectorName, "SPECIES", SPECIES_DESC);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        for (int i = 0; i < loopKernels.size(); i++) ElementwiseEmitter.emit(cw, "k" + i, loopKernels.get(i), true, vectorName);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Frames are computed by ASM; every merge point holds the same types, so no class loading is needed. */
    private static ClassWriter writer() {
        return new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
    }

    static String typeText(Buf b) { return ProgramSignature.typeText(b); }

    static String constantName(String tensor) {
        return tensor.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT) + "_TYPE";
    }

    private void typeConstant(ClassWriter cw, Buf b) {
        FieldVisitor fv = cw.visitField(ACC_PUBLIC | ACC_STATIC | ACC_FINAL, constantName(b.name()), "Ljava/lang/String;",
                null, typeText(b));
        fv.visitEnd();
    }

    private void staticInit(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitMethodInsn(INVOKESTATIC, VECTOR_SUPPORT, "available", "()Z", false);
        mv.visitFieldInsn(PUTSTATIC, internalName, "VECTOR", "Z");
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    String signature() {
        long generated = program.kernels().stream().filter(k -> k instanceof Kernel.Elementwise).count();
        return ProgramSignature.text(program, List.of(program.kernels().size() + " kernels: " + generated
                + " generated elementwise loops, " + (program.kernels().size() - generated) + " tuned primitives"));
    }

    /** Starts {@code public Name(Map<String, Tensor> weights)} with {@code this}, the weights and the signature on the stack. */
    private static MethodVisitor constructorStart(ClassWriter cw, String signature) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "(Ljava/util/Map;)V",
                "(Ljava/util/Map<Ljava/lang/String;Ldev/nnc/runtime/Tensor;>;)V", null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitLdcInsn(signature);
        return mv;
    }

    private void constructor(ClassWriter cw) {
        MethodVisitor mv = constructorStart(cw, signature());
        Code code = new Code(mv, Map.of(), 2);
        code.iconst(prepared.size());
        mv.visitMethodInsn(INVOKESPECIAL, COMPILED_MODEL, "<init>", "(Ljava/util/Map;Ljava/lang/String;I)V", false);
        if (!program.prepare().isEmpty()) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, internalName, "prepare0", "()V", false);
        }
        for (var e : prepared.entrySet()) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, COMPILED_MODEL, "prepared", "[Ljava/lang/Object;");
            code.iconst(e.getValue());
            weight(code, e.getKey() instanceof Kernel.MatMul m ? m.b() : ((Kernel.Conv2d) e.getKey()).weight());
            code.iconst(0);
            switch (e.getKey()) {
                case Kernel.MatMul m -> {
                    List<Dim> b = m.b().type().shape().dims();
                    Dim k = m.transB() ? b.get(1) : b.get(0), n = m.transB() ? b.get(0) : b.get(1);
                    code.dim(m.transB() ? k : n);
                    code.bool(m.transB());
                    code.dim(k);
                    code.dim(n);
                    code.invokeStatic(KERNELS + "Gemm", "packB", "([FIIZII)" + PACKED_DESC);
                }
                case Kernel.Conv2d c -> {
                    List<Dim> w = c.weight().type().shape().dims();
                    for (Dim d : w) code.dim(d);
                    code.iconst(c.groups());
                    String packer = c.layout() == Kernel.Layout.NHWC ? "Conv2dNhwc" : "Conv2d"; // B panels vs A panels
                    code.invokeStatic(KERNELS + packer, "packWeights", "([FIIIIII)" + PACKED_DESC);
                }
                default -> throw new IllegalStateException("not a prepared kernel: " + e.getKey());
            }
            mv.visitInsn(AASTORE);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code prepare0()}: the load-time kernels, computing derived weights from the weights. */
    private void prepare(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, "prepare0", "()V", null, null);
        mv.visitCode();
        Code code = new Code(mv, Map.of(), 1);
        KernelCalls calls = new KernelCalls(code, internalName, vectorName, Map.of(), Map.of(), weightIndex, Map.of(),
                loops, epilogueLoops, -1);
        for (Kernel k : program.prepare()) calls.emit(k);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void weight(Code code, Buf w) {
        code.mv.visitVarInsn(ALOAD, 0);
        code.mv.visitFieldInsn(GETFIELD, COMPILED_MODEL, "weights", "[[F");
        code.iconst(weightIndex.get(w.name()));
        code.mv.visitInsn(AALOAD);
    }

    /** The name of the weights resource {@code load()} reads beside the class: {@code MnistCnn.safetensors}. */
    static String weightsResource(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1) + ".safetensors";
    }

    /** {@code static Name load()}: the weights packed beside the class on the class path. */
    private void loadResource(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "load", "()L" + internalName + ";", null, null);
        mv.visitCode();
        mv.visitTypeInsn(NEW, internalName);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(org.objectweb.asm.Type.getObjectType(internalName));
        mv.visitLdcInsn(weightsResource(internalName));
        mv.visitMethodInsn(INVOKESTATIC, "dev/nnc/runtime/Safetensors", "readResource",
                "(Ljava/lang/Class;Ljava/lang/String;)Ljava/util/LinkedHashMap;", false);
        mv.visitMethodInsn(INVOKESPECIAL, internalName, "<init>", "(Ljava/util/Map;)V", false);
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void load(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "load", "(Ljava/nio/file/Path;)L" + internalName + ";", null, null);
        mv.visitCode();
        mv.visitTypeInsn(NEW, internalName);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, "dev/nnc/runtime/Safetensors", "read", "(Ljava/nio/file/Path;)Ljava/util/LinkedHashMap;", false);
        mv.visitMethodInsn(INVOKESPECIAL, internalName, "<init>", "(Ljava/util/Map;)V", false);
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Symbol values copied from an int[] at local {@code array} into fresh locals. */
    private Map<String, Integer> unpackSymbols(Code code, int array) {
        Map<String, Integer> locals = new LinkedHashMap<>();
        for (int i = 0; i < symbols.size(); i++) {
            int local = code.newLocal();
            code.mv.visitVarInsn(ALOAD, array);
            code.iconst(i);
            code.mv.visitInsn(IALOAD);
            code.mv.visitVarInsn(ISTORE, local);
            locals.put(symbols.get(i), local);
        }
        return locals;
    }

    private void arenaSize(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "arenaSize", "([I)I", null, null);
        mv.visitCode();
        Code tmp = new Code(mv, Map.of(), 2);
        Map<String, Integer> locals = unpackSymbols(tmp, 1);
        new Code(mv, locals, 0).dim(program.arenaSize());
        mv.visitInsn(IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static String arrayDesc(Buf b) { return b.type().dtype().isFloat() ? "[F" : "[J"; }

    private String run0Descriptor() {
        StringBuilder d = new StringBuilder("(");
        for (Buf in : program.inputs()) d.append(arrayDesc(in));
        for (int i = 0; i < program.outputs().size(); i++) d.append("[F");
        d.append("[F").append("I".repeat(symbols.size())).append(")V");
        return d.toString();
    }

    private void execute(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PROTECTED, "execute", "([Ljava/lang/Object;[[F[F[I)V", null, null);
        mv.visitCode();
        Code code = new Code(mv, Map.of(), 5);
        mv.visitVarInsn(ALOAD, 0);
        for (int i = 0; i < program.inputs().size(); i++) {
            mv.visitVarInsn(ALOAD, 1);
            code.iconst(i);
            mv.visitInsn(AALOAD);
            mv.visitTypeInsn(CHECKCAST, arrayDesc(program.inputs().get(i)));
        }
        for (int i = 0; i < program.outputs().size(); i++) {
            mv.visitVarInsn(ALOAD, 2);
            code.iconst(i);
            mv.visitInsn(AALOAD);
        }
        mv.visitVarInsn(ALOAD, 3);
        for (int i = 0; i < symbols.size(); i++) {
            mv.visitVarInsn(ALOAD, 4);
            code.iconst(i);
            mv.visitInsn(IALOAD);
        }
        mv.visitMethodInsn(INVOKESPECIAL, internalName, "run0", run0Descriptor(), false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void run0(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, "run0", run0Descriptor(), null, null);
        mv.visitCode();
        int local = 1;
        Map<String, Integer> inputLocals = new LinkedHashMap<>(), outputLocals = new LinkedHashMap<>();
        for (Buf in : program.inputs()) inputLocals.put(in.name(), local++);
        for (Buf out : program.outputs()) outputLocals.put(out.name(), local++);
        int arena = local++;
        Map<String, Integer> symbolLocals = new LinkedHashMap<>();
        for (String s : symbols) symbolLocals.put(s, local++);
        Code code = new Code(mv, symbolLocals, local);
        // Sizes past what a kernel can serve are refused before anything runs (typed predict comes here too).
        for (SizeLimits.Limit l : SizeLimits.of(program)) {
            code.dim(l.size());
            code.dim(Dim.of(l.max()));
            mv.visitLdcInsn(l.size().toString());
            mv.visitLdcInsn(l.what());
            code.invokeStatic(COMPILED_MODEL, "checkSize", "(IILjava/lang/String;Ljava/lang/String;)V");
        }
        KernelCalls calls = new KernelCalls(code, internalName, vectorName, inputLocals, outputLocals, weightIndex, prepared,
                loops, epilogueLoops, arena);
        for (Kernel k : program.kernels()) calls.emit(k);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Each symbol must be the only non-constant dim of some input, so the array length determines it. */
    boolean typedPredictPossible() { return symbols.stream().allMatch(s -> deriving(s) != null); }

    private Buf deriving(String symbol) {
        for (Buf in : program.inputs()) {
            List<Dim> dims = in.type().shape().dims();
            long symbolic = dims.stream().filter(d -> !d.isKnown()).count();
            if (symbolic == 1 && dims.contains(Dim.sym(symbol))) return in;
        }
        return null;
    }

    /** Reads each symbol off its input array's length (input arrays are locals 1..n) into a new local. */
    private void symbolsFromLengths(Code code, Map<String, Integer> symbolLocals) {
        MethodVisitor mv = code.mv;
        for (String s : symbols) {
            Buf in = deriving(s);
            int local = code.newLocal();
            mv.visitVarInsn(ALOAD, 1 + program.inputs().indexOf(in));
            mv.visitInsn(ARRAYLENGTH);
            Dim perItem = Dim.of(1);
            for (Dim d : in.type().shape().dims()) if (d.isKnown()) perItem = perItem.times(d);
            code.dim(perItem);
            mv.visitLdcInsn(in.name());
            mv.visitLdcInsn(typeText(in));
            code.invokeStatic(COMPILED_MODEL, "sizeFromLength", "(IILjava/lang/String;Ljava/lang/String;)I");
            mv.visitVarInsn(ISTORE, local);
            symbolLocals.put(s, local);
        }
    }

    private String predictDescriptor(boolean withOutputs) {
        StringBuilder d = new StringBuilder("(");
        for (Buf in : program.inputs()) d.append(arrayDesc(in));
        if (withOutputs) d.append("[F".repeat(program.outputs().size()));
        return d.append(withOutputs ? ")V" : ")[F").toString();
    }

    private void predict(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "predict", predictDescriptor(true), null, null);
        mv.visitCode();
        int n = program.inputs().size(), m = program.outputs().size();
        Map<String, Integer> symbolLocals = new LinkedHashMap<>();
        Code code = new Code(mv, symbolLocals, 1 + n + m);
        symbolsFromLengths(code, symbolLocals);
        // Inputs with no symbolic dims still need the right length.
        for (int i = 0; i < n; i++) {
            Buf in = program.inputs().get(i);
            mv.visitVarInsn(ALOAD, 1 + i);
            mv.visitInsn(ARRAYLENGTH);
            code.dim(in.type().shape().numel());
            mv.visitLdcInsn("input " + in.name());
            mv.visitLdcInsn(typeText(in));
            code.invokeStatic(COMPILED_MODEL, "checkLength", "(IILjava/lang/String;Ljava/lang/String;)V");
        }
        for (int i = 0; i < m; i++) {
            Buf out = program.outputs().get(i);
            mv.visitVarInsn(ALOAD, 1 + n + i);
            mv.visitInsn(ARRAYLENGTH);
            code.dim(out.type().shape().numel());
            mv.visitLdcInsn(out.name());
            mv.visitLdcInsn(typeText(out));
            code.invokeStatic(COMPILED_MODEL, "checkLength", "(IILjava/lang/String;Ljava/lang/String;)V");
        }
        if (hostedCode != null) {
            executeNative(code, symbolLocals);
        } else {
            mv.visitVarInsn(ALOAD, 0);
            for (int i = 0; i < n + m; i++) mv.visitVarInsn(ALOAD, 1 + i);
            mv.visitVarInsn(ALOAD, 0);
            code.dim(program.arenaSize());
            mv.visitMethodInsn(INVOKEVIRTUAL, internalName, "arena", "(I)[F", false);
            for (String s : symbols) mv.visitVarInsn(ILOAD, symbolLocals.get(s));
            mv.visitMethodInsn(INVOKESPECIAL, internalName, "run0", run0Descriptor(), false);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * Native and CUDA classes: {@code execute(inputs, outputs, null, symbols)} with this thread's reused
     * argument arrays (slots 0-2), so a call allocates nothing.
     */
    private void executeNative(Code code, Map<String, Integer> symbolLocals) {
        MethodVisitor mv = code.mv;
        int n = program.inputs().size(), m = program.outputs().size();
        int ins = code.newLocal(), outs = code.newLocal(), syms = code.newLocal();
        scratch(code, "objectScratch", "[Ljava/lang/Object;", 0, n, ins);
        for (int i = 0; i < n; i++) store(code, ins, i, 1 + i);
        scratch(code, "arrayScratch", "[[F", 1, m, outs);
        for (int i = 0; i < m; i++) store(code, outs, i, 1 + n + i);
        scratch(code, "intScratch", "[I", 2, symbols.size(), syms);
        for (int i = 0; i < symbols.size(); i++) {
            mv.visitVarInsn(ALOAD, syms);
            code.iconst(i);
            mv.visitVarInsn(ILOAD, symbolLocals.get(symbols.get(i)));
            mv.visitInsn(IASTORE);
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, ins);
        mv.visitVarInsn(ALOAD, outs);
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ALOAD, syms);
        mv.visitMethodInsn(INVOKEVIRTUAL, internalName, "execute", "([Ljava/lang/Object;[[F[F[I)V", false);
    }

    private void scratch(Code code, String method, String type, int slot, int length, int local) {
        code.mv.visitVarInsn(ALOAD, 0);
        code.iconst(slot);
        code.iconst(length);
        code.mv.visitMethodInsn(INVOKEVIRTUAL, internalName, method, "(II)" + type, false);
        code.mv.visitVarInsn(ASTORE, local);
    }

    /** {@code array[index] = local} for reference locals. */
    private static void store(Code code, int array, int index, int local) {
        code.mv.visitVarInsn(ALOAD, array);
        code.iconst(index);
        code.mv.visitVarInsn(ALOAD, local);
        code.mv.visitInsn(AASTORE);
    }

    /** {@code float[] predict(inputs...)}: allocates the output, then calls the typed predict. */
    private void allocatingPredict(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "predict", predictDescriptor(false), null, null);
        mv.visitCode();
        int n = program.inputs().size();
        Map<String, Integer> symbolLocals = new LinkedHashMap<>();
        Code code = new Code(mv, symbolLocals, 1 + n);
        symbolsFromLengths(code, symbolLocals);
        int result = code.newLocal();
        code.dim(program.outputs().getFirst().type().shape().numel());
        mv.visitIntInsn(NEWARRAY, T_FLOAT);
        mv.visitVarInsn(ASTORE, result);
        mv.visitVarInsn(ALOAD, 0);
        for (int i = 0; i < n; i++) mv.visitVarInsn(ALOAD, 1 + i);
        mv.visitVarInsn(ALOAD, result);
        mv.visitMethodInsn(INVOKEVIRTUAL, internalName, "predict", predictDescriptor(true), false);
        mv.visitVarInsn(ALOAD, result);
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Refuses what this backend cannot run, naming it. */
    static void checkSupported(KernelProgram p) {
        F32Support.problem(p, "the JVM backend").ifPresent(why -> {
            throw new UnsupportedByBackend(why);
        });
    }
}
