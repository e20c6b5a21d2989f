package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import java.util.function.Supplier;

/**
 * What a pooling kind does with the vectors of a window: where it starts, how it takes in a
 * vector and how it ends. A max propagates NaN and never sees the padding (off lanes load as
 * -inf); an average divides by the whole window when the padding counts (every window fits in
 * the padded input), else by the number of input elements it covers.
 */
final class PoolReduction {
    private final Kernel.PoolKind kind;
    private final boolean countIncludePad;
    private final int windowSize;

    PoolReduction(Kernel.Pool2d k) {
        this.kind = k.kind();
        this.countIncludePad = k.countIncludePad();
        this.windowSize = k.kernel().get(0) * k.kernel().get(1);
    }

    /** The value before any input, and what masked-off lanes load as. */
    String identity() {
        return kind == Kernel.PoolKind.MAX ? "splat (float 0xFFF0000000000000)" : "zeroinitializer";
    }

    String combine(FunctionWriter f, KernelEnv env, String acc, String v) {
        if (kind == Kernel.PoolKind.AVG) return f.let("fadd %s %s, %s", env.vf(), acc, v);
        String name = "llvm.maximum." + env.vfSuffix();
        f.module().declare("declare " + env.vf() + " @" + name + "(" + env.vf() + ", " + env.vf() + ")");
        return f.let("call %s @%s(%s %s, %s %s)", env.vf(), name, env.vf(), acc, env.vf(), v);
    }

    /** The result; {@code covered} gives the float vector of input elements each window covers (asked only when needed). */
    String finish(FunctionWriter f, KernelEnv env, String acc, Supplier<String> covered) {
        if (kind == Kernel.PoolKind.MAX) return acc;
        String divisor = countIncludePad ? "splat (float " + ConvVectors.floatConstant(windowSize) + ")" : covered.get();
        return f.let("fdiv %s %s, %s", env.vf(), acc, divisor);
    }
}
