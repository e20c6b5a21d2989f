package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/** Applies a matmul or convolution epilogue to rows of its output in place, with the elementwise kernels' loops. */
public final class Epilogues {
    private Epilogues() {}

    /**
     * Viewing {@code out} as [rows, N] (N its last dim), sets {@code out[r, c] = epilogue.expr()} with {@code %0 = out[r, c]}
     * and {@code %i} = {@code epilogue.ins()[i-1]} broadcast to out's shape, for every row r in [rowFrom, rowTo) (i64 IR values).
     * Emits nothing for {@link Kernel.Epilogue#NONE}.
     */
    public static void applyInPlace(KernelEnv env, FunctionWriter f, Buf out, Kernel.Epilogue epilogue, String rowFrom, String rowTo) {
        if (epilogue.isNone()) return;
        List<Buf> operands = new ArrayList<>();
        operands.add(out);
        operands.addAll(epilogue.ins());
        String n = env.dim(f, out.type().shape().dim(-1));
        String from = f.let("mul i64 %s, %s", rowFrom, n);
        String to = f.let("mul i64 %s, %s", rowTo, n);
        ElementwiseLoop.emit(env, f, epilogue.expr(), operands, out, from, to);
    }
}
