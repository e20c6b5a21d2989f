package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.ExprCodegen;
import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.ir.kernel.Expr;
import java.util.function.IntFunction;

/**
 * A kernel-IR expression on one float per thread, through the native backend's expression
 * code at one lane ({@code <1 x float>}): the same math (exp, tanh, erf, GELU, pow written from
 * basic operations and fused multiply-adds, no libdevice), so the GPU computes what the CPU does.
 */
final class ScalarExpr {
    private ScalarExpr() {}

    /** {@code e} with operand {@code %i} given as a float by {@code operand}; returns a float. */
    static String evaluate(FunctionWriter f, Expr e, IntFunction<String> operand) {
        String v = ExprCodegen.evaluate(f, 1, e, i -> f.let("insertelement <1 x float> poison, float %s, i64 0", operand.apply(i)));
        return f.let("extractelement <1 x float> %s, i64 0", v);
    }
}
