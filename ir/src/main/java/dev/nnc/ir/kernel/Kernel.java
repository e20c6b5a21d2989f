package dev.nnc.ir.kernel;

import java.util.List;

/**
 * One step of a lowered model: a loop nest the backend generates (elementwise) or a call to a
 * tuned primitive (matmul, conv2d, pooling, rows, data movement). Each writes {@link #out()}
 * and reads {@link #ins()}; no kernel reads what it writes unless {@link #inPlace()} says so.
 * Attributes are concrete: only tensor sizes may be symbolic (they come from the bufs' types).
 */
public sealed interface Kernel {

    Buf out();

    /** The bufs read, in the order the text form prints them. */
    List<Buf> ins();

    /** True when the kernel may write over its first input (same storage). */
    default boolean inPlace() { return false; }

    /** {@code out = expr(ins...)}, inputs broadcast to out's shape; a cast when out's dtype differs. */
    record Elementwise(Buf out, List<Buf> ins, Expr expr) implements Kernel {
        public Elementwise {
            ins = List.copyOf(ins);
        }
    }

    /**
     * {@code out[..., M, N] = op(a)[..., M, K] @ op(b)[..., K, N] (+ bias[N]) (relu)}, where
     * op transposes the last two dims when the flag is set (the operand is stored transposed).
     * Batch dims broadcast. {@code bias} may be null.
     */
    record MatMul(Buf out, Buf a, Buf b, Buf bias, boolean transA, boolean transB, boolean relu) implements Kernel {
        @Override public List<Buf> ins() { return bias == null ? List.of(a, b) : List.of(a, b, bias); }
    }

    /** NCHW convolution with OIHW weights; padding is [top, left, bottom, right]; bias may be null. */
    record Conv2d(Buf out, Buf x, Buf weight, Buf bias, List<Integer> stride, List<Integer> padding,
                  List<Integer> dilation, int groups, boolean relu) implements Kernel {
        @Override public List<Buf> ins() { return bias == null ? List.of(x, weight) : List.of(x, weight, bias); }
    }

    enum PoolKind { MAX, AVG }

    /** NCHW pooling; padding is [top, left, bottom, right]. */
    record Pool2d(Buf out, Buf x, PoolKind kind, List<Integer> kernel, List<Integer> stride, List<Integer> padding,
                  boolean countIncludePad) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x); }
    }

    enum ReduceKind { SUM, MEAN, MAX }

    /** Reduces {@code axes} of x (sorted, contiguous); out has x's shape without them, or with 1s there. */
    record Reduce(Buf out, Buf x, ReduceKind kind, List<Integer> axes) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x); }
    }

    /** softmax (or log_softmax) along {@code axis} (non-negative). */
    record Softmax(Buf out, Buf x, int axis, boolean log) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x); }
    }

    /** Normalizes over dims [axis, rank) with biased variance; gamma and beta have shape x[axis:]. */
    record LayerNorm(Buf out, Buf x, Buf gamma, Buf beta, int axis, double eps) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x, gamma, beta); }
    }

    /** Permutes dims: out dim i is x dim perm[i]. */
    record Transpose(Buf out, Buf x, List<Integer> perm) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x); }
    }

    /** {@code out[i...] = x[starts[d] + i_d * steps[d] ...]}, one start and step per dim (starts normalized, steps >= 1). */
    record Slice(Buf out, Buf x, List<Integer> starts, List<Integer> steps) implements Kernel {
        @Override public List<Buf> ins() { return List.of(x); }
    }

    /** Joins xs along {@code axis} (non-negative). */
    record Concat(Buf out, List<Buf> xs, int axis) implements Kernel {
        public Concat {
            xs = List.copyOf(xs);
        }

        @Override public List<Buf> ins() { return xs; }
    }

    /** {@code out = data[..., indices, ...]} along {@code axis}; indices are an integer buf. */
    record Gather(Buf out, Buf data, Buf indices, int axis) implements Kernel {
        @Override public List<Buf> ins() { return List.of(data, indices); }
    }

    /** Each element is its index along {@code axis}. */
    record Iota(Buf out, int axis) implements Kernel {
        @Override public List<Buf> ins() { return List.of(); }
    }
}
