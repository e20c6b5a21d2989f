package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;

/** Placeholder until the elementwise emitter lands: applying a matmul/conv epilogue to rows of the output in place. */
public final class Epilogues {
    private Epilogues() {}

    /**
     * Viewing {@code out} as [rows, N] (N its last dim), sets {@code out[r, c] = epilogue.expr()} with {@code %0 = out[r, c]}
     * and {@code %i} = {@code epilogue.ins()[i-1]} broadcast to out's shape, for every row r in [rowFrom, rowTo) (i64 IR values).
     */
    public static void applyInPlace(KernelEnv env, FunctionWriter f, Buf out, Kernel.Epilogue epilogue, String rowFrom, String rowTo) {
        throw new UnsupportedByNative("epilogue " + epilogue.expr() + " is not emitted yet");
    }
}
