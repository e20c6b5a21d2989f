package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.Arrays;

/**
 * Batched matrix product [..., M, K] @ [..., K, N] -> [..., M, N], with the leading (batch)
 * dims broadcast as in NumPy. Floats accumulate in double; integers in long, wrapping.
 */
final class MatMul {
    private MatMul() {}

    static Tensor matmul(Tensor a, Tensor b, String where) {
        DType dt = a.dtype();
        if (b.dtype() != dt) throw new IllegalStateException(where + ": operand dtypes differ: " + a + " and " + b);
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalStateException(where + ": operands need rank >= 2, got " + a + " and " + b);
        }
        int m = as[as.length - 2], k = as[as.length - 1];
        int kb = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalStateException(where + ": inner dimensions differ: " + a + " @ " + b);
        }
        int[] aBatch = Arrays.copyOf(as, as.length - 2), bBatch = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Broadcast.shape(aBatch, bBatch, where);
        // For each result batch index, which batch matrix of a and of b it multiplies.
        int[] aOf = Broadcast.indexMap(batch, aBatch), bOf = Broadcast.indexMap(batch, bBatch);
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        int batches = aOf.length;
        int mk = m * k, kn = k * n, mn = m * n;

        if (dt.isFloat()) {
            float[] x = a.floats(), y = b.floats();
            float[] out = new float[batches * mn];
            double[] row = new double[n];
            for (int p = 0; p < batches; p++) {
                int xa = aOf[p] * mk, yb = bOf[p] * kn;
                for (int i = 0; i < m; i++) {
                    // row[j] = sum over t of x[i,t] * y[t,j], accumulated in t order; walking y by
                    // rows keeps the loop cache-friendly for large weight matrices.
                    Arrays.fill(row, 0.0);
                    for (int t = 0; t < k; t++) {
                        double xit = x[xa + i * k + t];
                        int yt = yb + t * n;
                        for (int j = 0; j < n; j++) row[j] += xit * y[yt + j];
                    }
                    int o = p * mn + i * n;
                    for (int j = 0; j < n; j++) out[o + j] = Numerics.round(dt, row[j]);
                }
            }
            return Numerics.floats(dt, shape, out);
        }
        long[] x = a.longs(), y = b.longs();
        long[] out = new long[batches * mn];
        long[] row = new long[n];
        for (int p = 0; p < batches; p++) {
            int xa = aOf[p] * mk, yb = bOf[p] * kn;
            for (int i = 0; i < m; i++) {
                Arrays.fill(row, 0L);
                for (int t = 0; t < k; t++) {
                    long xit = x[xa + i * k + t];
                    int yt = yb + t * n;
                    for (int j = 0; j < n; j++) row[j] += xit * y[yt + j];
                }
                int o = p * mn + i * n;
                for (int j = 0; j < n; j++) out[o + j] = Numerics.wrap(dt, row[j]);
            }
        }
        return Numerics.longs(dt, shape, out);
    }
}
