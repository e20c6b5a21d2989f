package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * A rough single-thread time of a kernel, from its sizes: enough to tell a kernel worth
 * splitting over threads (waking a worker costs a few microseconds) from one that is not.
 * Matmuls and convolutions count multiply-adds at ~64 per ns (a 512-bit core near its FMA
 * peak), everything else elements read or written at ~8 per ns.
 *
 * @param amount multiply-adds or elements
 * @param perNanosecond how many of them one thread does per nanosecond
 */
record KernelCost(Dim amount, long perNanosecond) {
    /** Kernels estimated below this run on the calling thread alone. */
    static final long PARALLEL_NANOS = 4000;

    static KernelCost of(Kernel k) {
        return switch (k) {
            case Kernel.MatMul m -> {
                List<Dim> a = m.a().type().shape().dims();
                Dim depth = m.transA() ? a.get(a.size() - 2) : a.getLast();
                yield new KernelCost(m.out().type().shape().numel().times(depth), 64);
            }
            case Kernel.Conv2d c -> {
                List<Dim> w = c.weight().type().shape().dims();
                // A fused pooling's out holds one of every kh x kw conv outputs, all computed.
                Dim convOutputs = c.out().type().shape().numel();
                if (c.pooled()) convOutputs = convOutputs.times(Dim.of((long) c.pool().get(0) * c.pool().get(1)));
                yield new KernelCost(convOutputs.times(w.get(1)).times(w.get(2)).times(w.get(3)), 64);
            }
            default -> {
                Dim elements = k.out().type().shape().numel();
                for (var in : k.ins()) elements = elements.plus(in.type().shape().numel());
                yield new KernelCost(elements, 8);
            }
        };
    }

    /** An i1 IR value: true when the kernel is worth splitting over threads. */
    String worthSplitting(KernelEnv env, FunctionWriter f) {
        String nanos = f.let("udiv i64 %s, %d", env.dim(f, amount), perNanosecond);
        return f.let("icmp uge i64 %s, %d", nanos, PARALLEL_NANOS);
    }
}
