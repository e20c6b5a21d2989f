package dev.nnc.codegen.jvm;

import static dev.nnc.codegen.jvm.Names.*;
import static org.objectweb.asm.Opcodes.*;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.BroadcastPlan;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits, inside the generated {@code run0} method, the call that performs each kernel: a
 * generated elementwise method (vector or scalar twin) or a tuned primitive of
 * {@code dev.nnc.runtime.kernels}. Sizes and offsets are computed from the symbol locals.
 */
final class KernelCalls {
    private final Code code;
    private final MethodVisitor mv;
    private final String owner;
    private final String vectorOwner;
    private final Map<String, Integer> inputLocals;
    private final Map<String, Integer> outputLocals;
    private final Map<String, Integer> weightIndex;
    private final Map<Kernel, Integer> preparedIndex;
    private final Map<Kernel, Integer> loops;
    private final Map<Kernel, Kernel.Elementwise> epilogueLoops;
    private final int arenaLocal;
    private int scratchSlots;

    KernelCalls(Code code, String owner, String vectorOwner, Map<String, Integer> inputLocals,
                Map<String, Integer> outputLocals, Map<String, Integer> weightIndex, Map<Kernel, Integer> preparedIndex,
                Map<Kernel, Integer> loops, Map<Kernel, Kernel.Elementwise> epilogueLoops, int arenaLocal) {
        this.loops = loops;
        this.epilogueLoops = epilogueLoops;
        this.code = code;
        this.mv = code.mv;
        this.owner = owner;
        this.vectorOwner = vectorOwner;
        this.inputLocals = inputLocals;
        this.outputLocals = outputLocals;
        this.weightIndex = weightIndex;
        this.preparedIndex = preparedIndex;
        this.arenaLocal = arenaLocal;
    }

    void emit(Kernel k) {
        switch (k) {
            case Kernel.Elementwise e -> elementwise(e, loops.get(e));
            case Kernel.MatMul m -> {
                matmul(m);
                epilogue(m);
            }
            case Kernel.Conv2d c -> {
                conv2d(c);
                epilogue(c);
            }
            case Kernel.Pool2d p -> pool(p);
            case Kernel.Reduce r -> reduce(r);
            case Kernel.Softmax s -> softmax(s);
            case Kernel.LayerNorm l -> layerNorm(l);
            case Kernel.Transpose t -> transpose(t);
            case Kernel.Slice s -> slice(s);
            case Kernel.Concat c -> concat(c);
            case Kernel.Gather g -> gather(g);
            case Kernel.Iota i -> iota(i);
        }
    }

    /** The generated loop of an epilogue the tuned primitive cannot apply itself (see ModelClassEmitter). */
    private void epilogue(Kernel k) {
        Kernel.Elementwise loop = epilogueLoops.get(k);
        if (loop != null) elementwise(loop, loops.get(k));
    }

    /** Whether the tuned primitive applies the epilogue itself (a relu clamp in registers). */
    private static boolean reluFlag(Kernel.Epilogue e) { return e.isRelu(); }

    /** Pushes a buf's array. */
    void array(Buf b) {
        switch (b.space()) {
            case INPUT -> mv.visitVarInsn(ALOAD, inputLocals.get(b.name()));
            case OUTPUT -> mv.visitVarInsn(ALOAD, outputLocals.get(b.name()));
            case ARENA -> mv.visitVarInsn(ALOAD, arenaLocal);
            case WEIGHT -> {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, COMPILED_MODEL, "weights", "[[F");
                code.iconst(weightIndex.get(b.name()));
                mv.visitInsn(AALOAD);
            }
        }
    }

    /** Pushes a buf's array and element offset. */
    void buf(Buf b) {
        array(b);
        code.dim(b.offset());
    }

    /** Pushes a buf's array and offset, or null and 0 when absent. */
    private void optionalBuf(Buf b) {
        if (b == null) {
            mv.visitInsn(ACONST_NULL);
            code.iconst(0);
        } else {
            buf(b);
        }
    }

    private List<Dim> dims(Buf b) { return b.type().shape().dims(); }

    private void elementwise(Kernel.Elementwise e, int index) {
        BroadcastPlan plan = BroadcastPlan.of(e);
        String desc = ElementwiseEmitter.descriptor(e);
        Consumer<Void> args = ignored -> {
            buf(e.out());
            for (Buf in : e.ins()) buf(in);
            for (Dim d : plan.sizes()) code.dim(d);
        };
        Label scalar = new Label(), done = new Label();
        mv.visitFieldInsn(GETSTATIC, owner, "VECTOR", "Z");
        mv.visitJumpInsn(IFEQ, scalar);
        args.accept(null);
        code.invokeStatic(vectorOwner, "k" + index, desc);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(scalar);
        args.accept(null);
        code.invokeStatic(owner, "k" + index + "_scalar", desc);
        mv.visitLabel(done);
    }

    private void matmul(Kernel.MatMul m) {
        List<Dim> a = dims(m.a()), b = dims(m.b()), out = dims(m.out());
        int r = out.size();
        Dim rows = out.get(r - 2), cols = out.get(r - 1);
        Dim inner = m.transA() ? a.get(a.size() - 2) : a.getLast();
        List<Dim> batch = out.subList(0, r - 2);
        boolean aBatched = a.size() > 2 && !Dim.of(1).equals(product(a.subList(0, a.size() - 2)));
        boolean bBatched = b.size() > 2 && !Dim.of(1).equals(product(b.subList(0, b.size() - 2)));
        if (aBatched && !product(a.subList(0, a.size() - 2)).equals(product(batch))
                || bBatched && !product(b.subList(0, b.size() - 2)).equals(product(batch))) {
            throw new UnsupportedByBackend("matmul " + m.a().type() + " @ " + m.b().type()
                    + ": the JVM backend broadcasts whole batches only (one operand with all batch dims, the other with none)");
        }
        Integer packed = preparedIndex.get(m);
        if (!bBatched && !m.transA()) {
            // Batch dims of a fold into the rows: one GEMM call.
            Dim m2 = product(batch).times(rows);
            buf(m.a());
            code.dim(inner);
            code.bool(false);
            if (packed != null) {
                prepared(packed);
                buf(m.out());
                code.dim(cols);
                code.dim(m2);
                optionalBuf(m.bias());
                code.bool(reluFlag(m.epilogue()));
                code.invokeStatic(KERNELS + "Gemm", "matmul", "([FIIZ" + PACKED_DESC + "[FIII[FIZ)V");
            } else {
                buf(m.b());
                code.dim(m.transB() ? inner : cols);
                code.bool(m.transB());
                buf(m.out());
                code.dim(cols);
                code.dim(m2);
                code.dim(cols);
                code.dim(inner);
                optionalBuf(m.bias());
                code.bool(reluFlag(m.epilogue()));
                code.invokeStatic(KERNELS + "Gemm", "matmul", "([FIIZ[FIIZ[FIIIII[FIZ)V");
            }
            return;
        }
        // One GEMM per batch element, matrices a fixed stride apart (0: shared).
        buf(m.a());
        code.dim(aBatched ? rows.times(inner) : Dim.of(0));
        code.dim(m.transA() ? rows : inner);
        code.bool(m.transA());
        buf(m.b());
        code.dim(bBatched ? inner.times(cols) : Dim.of(0));
        code.dim(m.transB() ? inner : cols);
        code.bool(m.transB());
        buf(m.out());
        code.dim(rows.times(cols));
        code.dim(cols);
        code.dim(product(batch));
        code.dim(rows);
        code.dim(cols);
        code.dim(inner);
        optionalBuf(m.bias());
        code.bool(reluFlag(m.epilogue()));
        code.invokeStatic(KERNELS + "Gemm", "batchedMatmul", "([FIIIZ[FIIIZ[FIIIIIII[FIZ)V");
    }

    private static Dim product(List<Dim> dims) {
        Dim p = Dim.of(1);
        for (Dim d : dims) p = p.times(d);
        return p;
    }

    private void prepared(int index) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, COMPILED_MODEL, "prepared", "[Ljava/lang/Object;");
        code.iconst(index);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, PACKED);
    }

    /**
     * A convolution call. NCHW: {@code Conv2d.conv2d} with x dims (N, C, H, W). NHWC:
     * {@code Conv2dNhwc.conv2d}, same argument order but x dims (N, H, W, C) and out dims taken
     * from [N, OH, OW, O]; its packed weights come from {@code Conv2dNhwc.packWeights} (B panels).
     * An NHWC convolution reading an NCHW x passes x's dims in NHWC order and the flag that makes
     * its patch gather read NCHW. A fused max pooling calls {@code Conv2dNhwc.conv2dMaxPool}: the
     * same arguments, out dims the pooled ones, then the window (kh, kw).
     */
    private void conv2d(Kernel.Conv2d c) {
        boolean nhwc = c.layout() == Kernel.Layout.NHWC;
        boolean nchwInput = c.inputLayout() == Kernel.Layout.NCHW;
        if (nhwc && c.groups() != 1) {
            throw new UnsupportedByBackend("conv2d in layout nhwc with " + c.groups() + " groups: the JVM backend's NHWC"
                    + " convolution takes groups = 1 only (keep grouped convolutions in nchw)");
        }
        if (!nhwc && !nchwInput) {
            throw new UnsupportedByBackend("conv2d in layout nchw with input_layout nhwc: the JVM backend's NCHW"
                    + " convolution reads an NCHW x only");
        }
        List<Dim> x = dims(c.x()), w = dims(c.weight()), out = dims(c.out());
        buf(c.x());
        if (nhwc && nchwInput) {
            for (int i : new int[] {0, 2, 3, 1}) code.dim(x.get(i));
        } else {
            for (Dim d : x) code.dim(d);
        }
        if (nhwc) code.bool(nchwInput);
        Integer packed = preparedIndex.get(c);
        String weightDesc;
        if (packed != null) {
            prepared(packed);
            weightDesc = PACKED_DESC;
        } else {
            buf(c.weight());
            weightDesc = "[FI";
        }
        code.dim(w.get(0));
        code.dim(w.get(2));
        code.dim(w.get(3));
        optionalBuf(c.bias());
        for (int s : c.stride()) code.iconst(s);
        for (int p : c.padding()) code.iconst(p);
        for (int d : c.dilation()) code.iconst(d);
        code.iconst(c.groups());
        buf(c.out());
        code.dim(out.get(nhwc ? 1 : 2));
        code.dim(out.get(nhwc ? 2 : 3));
        code.bool(reluFlag(c.epilogue()));
        if (c.pooled()) {
            code.iconst(c.pool().get(0));
            code.iconst(c.pool().get(1));
        }
        code.invokeStatic(KERNELS + (nhwc ? "Conv2dNhwc" : "Conv2d"), c.pooled() ? "conv2dMaxPool" : "conv2d",
                "([FIIIII" + (nhwc ? "Z" : "") + weightDesc + "III[FIIIIIIIIII[FIIIZ" + (c.pooled() ? "II" : "") + ")V");
    }

    /** A pooling call: {@code Pool2d} with x dims (N, C, H, W), or {@code Pool2dNhwc} with (N, H, W, C). */
    private void pool(Kernel.Pool2d p) {
        boolean nhwc = p.layout() == Kernel.Layout.NHWC;
        List<Dim> x = dims(p.x()), out = dims(p.out());
        buf(p.x());
        for (Dim d : x) code.dim(d);
        for (int k : p.kernel()) code.iconst(k);
        for (int s : p.stride()) code.iconst(s);
        for (int pad : p.padding()) code.iconst(pad);
        boolean avg = p.kind() == Kernel.PoolKind.AVG;
        if (avg) code.bool(p.countIncludePad());
        buf(p.out());
        code.dim(out.get(nhwc ? 1 : 2));
        code.dim(out.get(nhwc ? 2 : 3));
        code.invokeStatic(KERNELS + (nhwc ? "Pool2dNhwc" : "Pool2d"), avg ? "avgPool" : "maxPool",
                "([FIIIIIIIIIIIII" + (avg ? "Z" : "") + "[FIII)V");
    }

    /** Pushes outer, axis and inner sizes of dims split at [from, to). */
    private void split(List<Dim> dims, int from, int to) {
        code.product(dims.subList(0, from));
        code.product(dims.subList(from, to));
        code.product(dims.subList(to, dims.size()));
    }

    private void reduce(Kernel.Reduce r) {
        code.iconst(r.kind().ordinal());
        buf(r.x());
        buf(r.out());
        split(dims(r.x()), r.axes().getFirst(), r.axes().getLast() + 1);
        code.invokeStatic(KERNELS + "Reduce", "reduce", "(I[FI[FIIII)V");
    }

    private void softmax(Kernel.Softmax s) {
        buf(s.x());
        buf(s.out());
        split(dims(s.x()), s.axis(), s.axis() + 1);
        code.bool(s.log());
        if (s.scale() == 1.0) {
            code.invokeStatic(KERNELS + "Softmax", "softmax", "([FI[FIIIIZ)V");
            return;
        }
        // Scaled as the fused multiply kernel would have: by the f32 constant.
        mv.visitLdcInsn((float) s.scale());
        code.invokeStatic(KERNELS + "Softmax", "softmax", "([FI[FIIIIZF)V");
    }

    private void layerNorm(Kernel.LayerNorm l) {
        List<Dim> x = dims(l.x());
        buf(l.x());
        if (l.residual() != null) buf(l.residual());
        buf(l.gamma());
        buf(l.beta());
        buf(l.out());
        code.product(x.subList(0, l.axis()));
        code.product(x.subList(l.axis(), x.size()));
        mv.visitLdcInsn((float) l.eps());
        code.invokeStatic(KERNELS + "LayerNorm", "layerNorm",
                l.residual() == null ? "([FI[FI[FI[FIIIF)V" : "([FI[FI[FI[FI[FIIIF)V");
    }

    /** Pushes this thread's int[] for a new argument slot, filled with the given dims (no allocation once warm). */
    private void intArray(List<Dim> values) {
        mv.visitVarInsn(ALOAD, 0);
        code.iconst(scratchSlots++);
        code.iconst(values.size());
        mv.visitMethodInsn(INVOKEVIRTUAL, COMPILED_MODEL, "intScratch", "(II)[I", false);
        for (int i = 0; i < values.size(); i++) {
            mv.visitInsn(DUP);
            code.iconst(i);
            code.dim(values.get(i));
            mv.visitInsn(IASTORE);
        }
    }

    private static List<Dim> known(List<Integer> values) { return values.stream().map(v -> Dim.of(v)).toList(); }

    private void transpose(Kernel.Transpose t) {
        buf(t.x());
        intArray(dims(t.x()));
        intArray(known(t.perm()));
        buf(t.out());
        code.invokeStatic(KERNELS + "Transpose", "transpose", "([FI[I[I[FI)V");
    }

    private void slice(Kernel.Slice s) {
        buf(s.x());
        intArray(dims(s.x()));
        intArray(known(s.starts()));
        intArray(known(s.steps()));
        intArray(dims(s.out()));
        buf(s.out());
        code.invokeStatic(KERNELS + "Slice", "slice", "([FI[I[I[I[I[FI)V");
    }

    private void concat(Kernel.Concat c) {
        int n = c.xs().size();
        mv.visitVarInsn(ALOAD, 0);
        code.iconst(scratchSlots++);
        code.iconst(n);
        mv.visitMethodInsn(INVOKEVIRTUAL, COMPILED_MODEL, "arrayScratch", "(II)[[F", false);
        for (int i = 0; i < n; i++) {
            mv.visitInsn(DUP);
            code.iconst(i);
            array(c.xs().get(i));
            mv.visitInsn(AASTORE);
        }
        intArray(c.xs().stream().map(Buf::offset).toList());
        intArray(c.xs().stream().map(b -> dims(b).get(c.axis())).toList());
        code.iconst(n);
        List<Dim> out = dims(c.out());
        code.product(out.subList(0, c.axis()));
        code.product(out.subList(c.axis() + 1, out.size()));
        buf(c.out());
        code.invokeStatic(KERNELS + "Concat", "concat", "([[F[I[IIII[FI)V");
    }

    private void gather(Kernel.Gather g) {
        List<Dim> data = dims(g.data());
        buf(g.data());
        split(data, g.axis(), g.axis() + 1);
        buf(g.indices());
        code.product(dims(g.indices()));
        buf(g.out());
        code.invokeStatic(KERNELS + "Gather", "gather", "([FIIII[JII[FI)V");
    }

    private void iota(Kernel.Iota i) {
        buf(i.out());
        split(dims(i.out()), i.axis(), i.axis() + 1);
        code.invokeStatic(KERNELS + "Iota", "iota", "([FIIII)V");
    }
}
