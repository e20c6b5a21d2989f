package dev.nnc.ir.interp;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.Arrays;

/**
 * softmax and log_softmax along an axis, layer_norm over trailing dims and inference
 * batch_norm over channel axis 1. Every statistic (max, sum of exponentials, mean,
 * variance) is computed in double.
 */
final class Normalization {
    private Normalization() {}

    /**
     * softmax (or log_softmax) along {@code axis}, shifting by the lane's max first so exp
     * cannot overflow: softmax = exp(x - m) / sum, log_softmax = x - m - log(sum).
     */
    static Tensor softmax(Tensor x, long axis, boolean log, String where) {
        Numerics.requireFloat(x, where);
        DType dt = x.dtype();
        int[] s = x.shape();
        int a = Shapes.axis(axis, s.length, where);
        int outer = Shapes.product(s, 0, a), len = s[a], inner = Shapes.product(s, a + 1, s.length);
        float[] in = x.floats();
        float[] out = new float[in.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                // The lane: elements base + j*inner for j in [0, len).
                int base = o * len * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) max = Math.max(max, in[base + j * inner]);
                double sum = 0;
                for (int j = 0; j < len; j++) sum += Math.exp(in[base + j * inner] - max);
                double logSum = Math.log(sum);
                for (int j = 0; j < len; j++) {
                    double shifted = in[base + j * inner] - max;
                    double r = log ? shifted - logSum : Math.exp(shifted) / sum;
                    out[base + j * inner] = Numerics.round(dt, r);
                }
            }
        }
        return Numerics.floats(dt, s, out);
    }

    /**
     * (x - mean) / sqrt(var + eps) * gamma + beta, with mean and biased variance (divided by
     * n, as PyTorch) over dims [axis, rank); gamma and beta have shape x[axis:].
     */
    static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, long axis, double eps, String where) {
        Numerics.requireFloat(x, where);
        DType dt = x.dtype();
        int[] s = x.shape();
        int a = Shapes.axis(axis, s.length, where);
        int[] normShape = Arrays.copyOfRange(s, a, s.length);
        for (Tensor p : new Tensor[] {gamma, beta}) {
            if (p.dtype() != dt || !Arrays.equals(p.shape(), normShape)) {
                throw new IllegalStateException(where + ": gamma and beta must be " + dt.text() + Shapes.str(normShape)
                        + ", got " + p);
            }
        }
        int rows = Shapes.product(s, 0, a), n = Shapes.size(normShape);
        float[] in = x.floats(), g = gamma.floats(), b = beta.floats();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += in[base + i];
            double mean = sum / n;
            // Two passes: the variance of the centred values does not cancel catastrophically.
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double d = in[base + i] - mean;
                sq += d * d;
            }
            double inv = 1 / Math.sqrt(sq / n + eps);
            for (int i = 0; i < n; i++) {
                out[base + i] = Numerics.round(dt, (in[base + i] - mean) * inv * g[i] + b[i]);
            }
        }
        return Numerics.floats(dt, s, out);
    }

    /**
     * Inference batch norm over channel axis 1 of x [N, C, ...]: (x - mean[c]) /
     * sqrt(var[c] + eps) * gamma[c] + beta[c], with the running statistics given.
     */
    static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor var, double eps,
            String where) {
        Numerics.requireFloat(x, where);
        DType dt = x.dtype();
        int[] s = x.shape();
        if (s.length < 2) throw new IllegalStateException(where + ": needs x [N, C, ...], got " + x);
        int c = s[1];
        for (Tensor p : new Tensor[] {gamma, beta, mean, var}) {
            if (p.dtype() != dt || p.rank() != 1 || p.shape()[0] != c) {
                throw new IllegalStateException(where + ": gamma, beta, mean and var must be " + dt.text() + "[" + c
                        + "], got " + p);
            }
        }
        int n = s[0], spatial = Shapes.product(s, 2, s.length);
        float[] in = x.floats(), g = gamma.floats(), b = beta.floats(), mu = mean.floats(), v = var.floats();
        float[] out = new float[in.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                double inv = 1 / Math.sqrt((double) v[ch] + eps);
                int base = (i * c + ch) * spatial;
                for (int k = 0; k < spatial; k++) {
                    out[base + k] = Numerics.round(dt, (in[base + k] - (double) mu[ch]) * inv * g[ch] + b[ch]);
                }
            }
        }
        return Numerics.floats(dt, s, out);
    }
}
