package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/** A matmul's or convolution's epilogue on one output element: {@code %0} is the value, {@code %i} the epilogue's inputs broadcast to the output. */
final class Epilogue {
    private Epilogue() {}

    /** {@code coords}: the element's coordinates in the output's shape (its layout's order). */
    static String apply(FunctionWriter f, KernelEnv env, Kernel.Epilogue e, String value, List<String> coords) {
        if (e.isNone()) return value;
        return ScalarExpr.evaluate(f, e.expr(), i -> {
            if (i == 0) return value;
            var in = e.ins().get(i - 1);
            return Gpu.load(f, env.ptr(f, in), Indexing.broadcastOffset(f, env, in.type().shape(), coords));
        });
    }
}
