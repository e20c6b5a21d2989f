package dev.nnc.codegen.jvm;

import static dev.nnc.codegen.jvm.Names.*;
import static org.objectweb.asm.Opcodes.*;

import dev.nnc.ir.kernel.BroadcastPlan;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits one static method per elementwise kernel: a loop nest over the kernel's
 * {@link BroadcastPlan} whose innermost loop evaluates the expression on vectors
 * ({@code FloatVector}, preferred species, scalar tail) or, for the scalar twin, on floats.
 * Every function is a call to {@code VectorMath}/{@code ScalarMath}, which the JIT inlines.
 *
 * <p>Method parameters: {@code (float[] out, int outOff, [float[] in_i, int off_i]..., int size_d...)}; an
 * integer model input is a {@code long[]}, converted to float as it is read.
 */
final class ElementwiseEmitter {
    private final Kernel.Elementwise kernel;
    private final BroadcastPlan plan;
    private final boolean vector;
    private final String speciesOwner;
    private Code code;
    private int inputs;
    private int[] strideLocals;  // [operand][dim] flattened; operand 0 is out, 1+i input i
    private int[] baseLocals;    // current base offset per operand at the innermost level
    private int lanesLocal;

    private ElementwiseEmitter(Kernel.Elementwise kernel, boolean vector, String speciesOwner) {
        this.kernel = kernel;
        this.plan = BroadcastPlan.of(kernel);
        // Integer inputs (long[], converted as they are read) have no FloatVector load: such
        // kernels (an attention mask made a bias, small) run the scalar loop in both twins.
        this.vector = vector && kernel.ins().stream().noneMatch(ElementwiseEmitter::isInteger);
        this.speciesOwner = speciesOwner;
    }

    static String descriptor(Kernel.Elementwise k) {
        StringBuilder d = new StringBuilder("([FI");
        for (Buf in : k.ins()) d.append(isInteger(in) ? "[JI" : "[FI");
        d.append("I".repeat(BroadcastPlan.of(k).rank())).append(")V");
        return d.toString();
    }

    /** Adds {@code public static void name(...)} to {@code cw}; {@code speciesOwner} holds the static SPECIES field (vector only). */
    static void emit(ClassWriter cw, String name, Kernel.Elementwise k, boolean vector, String speciesOwner) {
        new ElementwiseEmitter(k, vector, speciesOwner).emit(cw, name);
    }

    private void emit(ClassWriter cw, String name) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, name, descriptor(kernel), null, null);
        mv.visitCode();
        inputs = kernel.ins().size();
        int rank = plan.rank();
        int firstSize = 2 + 2 * inputs;
        code = new Code(mv, Map.of(), firstSize + rank);
        // Strides of every operand along every merged dim: product of the inner sizes it varies along.
        int operands = inputs + 1;
        strideLocals = new int[operands * rank];
        for (int op = 0; op < operands; op++) {
            int running = -1;
            for (int d = rank - 1; d >= 0; d--) {
                int local = code.newLocal();
                strideLocals[op * rank + d] = local;
                if (running < 0) code.iconst(1);
                else mv.visitVarInsn(ILOAD, running);
                mv.visitVarInsn(ISTORE, local);
                if (varies(op, d)) {
                    int next = code.newLocal();
                    mv.visitVarInsn(ILOAD, local);
                    mv.visitVarInsn(ILOAD, firstSize + d);
                    mv.visitInsn(IMUL);
                    mv.visitVarInsn(ISTORE, next);
                    running = next;
                } else {
                    running = local;
                }
            }
        }
        if (vector) {
            lanesLocal = code.newLocal();
            species();
            mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "length", "()I", true);
            mv.visitVarInsn(ISTORE, lanesLocal);
        }
        int[] bases = new int[operands];
        for (int op = 0; op < operands; op++) bases[op] = op == 0 ? 1 : 3 + 2 * (op - 1);
        level(0, bases, firstSize);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private boolean varies(int operand, int d) { return operand == 0 || plan.varies()[operand - 1][d]; }

    private int arrayLocal(int operand) { return operand == 0 ? 0 : 2 + 2 * (operand - 1); }

    /** Loops over merged dim d; bases hold each operand's offset at this level. */
    private void level(int d, int[] bases, int firstSize) {
        MethodVisitor mv = code.mv;
        int rank = plan.rank();
        if (d == rank - 1) {
            baseLocals = bases;
            inner(firstSize + d);
            return;
        }
        int i = code.newLocal();
        int[] next = new int[bases.length];
        for (int op = 0; op < bases.length; op++) next[op] = varies(op, d) ? code.newLocal() : bases[op];
        Label test = new Label(), end = new Label();
        code.iconst(0);
        mv.visitVarInsn(ISTORE, i);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, i);
        mv.visitVarInsn(ILOAD, firstSize + d);
        mv.visitJumpInsn(IF_ICMPGE, end);
        for (int op = 0; op < bases.length; op++) {
            if (!varies(op, d)) continue;
            mv.visitVarInsn(ILOAD, bases[op]);
            mv.visitVarInsn(ILOAD, i);
            mv.visitVarInsn(ILOAD, strideLocals[op * rank + d]);
            mv.visitInsn(IMUL);
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, next[op]);
        }
        level(d + 1, next, firstSize);
        mv.visitIincInsn(i, 1);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(end);
    }

    /** The innermost dim: a vector loop to the species' loop bound, then a scalar tail. */
    private void inner(int sizeLocal) {
        MethodVisitor mv = code.mv;
        int j = code.newLocal();
        code.iconst(0);
        mv.visitVarInsn(ISTORE, j);
        int last = plan.rank() - 1;
        if (vector) {
            int bound = code.newLocal();
            species();
            mv.visitVarInsn(ILOAD, sizeLocal);
            mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "loopBound", "(I)I", true);
            mv.visitVarInsn(ISTORE, bound);
            Label test = new Label(), end = new Label();
            mv.visitLabel(test);
            mv.visitVarInsn(ILOAD, j);
            mv.visitVarInsn(ILOAD, bound);
            mv.visitJumpInsn(IF_ICMPGE, end);
            vectorExpr(kernel.expr(), j, last);
            mv.visitVarInsn(ALOAD, 0);
            index(0, j, last);
            mv.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, "intoArray", "([FI)V", false);
            mv.visitVarInsn(ILOAD, j);
            mv.visitVarInsn(ILOAD, lanesLocal);
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, j);
            mv.visitJumpInsn(GOTO, test);
            mv.visitLabel(end);
        }
        Label test = new Label(), end = new Label();
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, j);
        mv.visitVarInsn(ILOAD, sizeLocal);
        mv.visitJumpInsn(IF_ICMPGE, end);
        mv.visitVarInsn(ALOAD, 0);
        index(0, j, last);
        scalarExpr(kernel.expr(), j, last);
        mv.visitInsn(FASTORE);
        mv.visitIincInsn(j, 1);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(end);
    }

    /** Pushes operand's element index: base (+ j when it varies along the innermost dim). */
    private void index(int operand, int j, int last) {
        MethodVisitor mv = code.mv;
        mv.visitVarInsn(ILOAD, baseLocals[operand]);
        if (varies(operand, last)) {
            mv.visitVarInsn(ILOAD, j);
            mv.visitInsn(IADD);
        }
    }

    private void vectorExpr(Expr e, int j, int last) {
        MethodVisitor mv = code.mv;
        switch (e) {
            case Expr.In in -> {
                int op = in.index() + 1;
                if (varies(op, last)) {
                    species();
                    mv.visitVarInsn(ALOAD, arrayLocal(op));
                    index(op, j, last);
                    code.invokeStatic(FLOAT_VECTOR, "fromArray", "(" + SPECIES_DESC + "[FI)" + FV);
                } else {
                    species();
                    mv.visitVarInsn(ALOAD, arrayLocal(op));
                    index(op, j, last);
                    mv.visitInsn(FALOAD);
                    code.invokeStatic(FLOAT_VECTOR, "broadcast", "(" + SPECIES_DESC + "F)" + FV);
                }
            }
            case Expr.Const c -> {
                species();
                mv.visitLdcInsn((float) c.value());
                code.invokeStatic(FLOAT_VECTOR, "broadcast", "(" + SPECIES_DESC + "F)" + FV);
            }
            case Expr.Unary u -> {
                vectorExpr(u.x(), j, last);
                code.invokeStatic(VECTOR_MATH, u.fn().text(), "(" + FV + ")" + FV);
            }
            case Expr.Binary b -> {
                vectorExpr(b.a(), j, last);
                vectorExpr(b.b(), j, last);
                code.invokeStatic(VECTOR_MATH, b.fn().text(), "(" + FV + FV + ")" + FV);
            }
        }
    }

    private void scalarExpr(Expr e, int j, int last) {
        MethodVisitor mv = code.mv;
        switch (e) {
            case Expr.In in -> {
                int op = in.index() + 1;
                mv.visitVarInsn(ALOAD, arrayLocal(op));
                index(op, j, last);
                if (isInteger(kernel.ins().get(in.index()))) {
                    mv.visitInsn(LALOAD);
                    mv.visitInsn(L2F);
                } else {
                    mv.visitInsn(FALOAD);
                }
            }
            case Expr.Const c -> mv.visitLdcInsn((float) c.value());
            case Expr.Unary u -> {
                scalarExpr(u.x(), j, last);
                code.invokeStatic(SCALAR_MATH, u.fn().text(), "(F)F");
            }
            case Expr.Binary b -> {
                scalarExpr(b.a(), j, last);
                scalarExpr(b.b(), j, last);
                code.invokeStatic(SCALAR_MATH, b.fn().text(), "(FF)F");
            }
        }
    }

    /** An integer model input, passed as long[] (see F32Support.readsIntegerInput). */
    private static boolean isInteger(Buf b) { return !b.type().dtype().isFloat(); }

    private void species() { code.mv.visitFieldInsn(GETSTATIC, speciesOwner, "SPECIES", SPECIES_DESC); }
}
