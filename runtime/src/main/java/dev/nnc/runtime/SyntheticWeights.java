package dev.nnc.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Deterministic stand-in weights that any language can reproduce without PyTorch, for
 * models whose trained weights are too large to commit. Bit for bit the same as
 * {@code synthetic_weights} in {@code reference_models.py}:
 *
 * <ul>
 *   <li>a 64-bit LCG ({@code x = x * 6364136223846793005 + 1442695040888963407 mod 2^64})
 *       is seeded with FNV-1a-64 of the tensor name's UTF-8 bytes, XOR {@code seed};</li>
 *   <li>each step, in row-major order, gives {@code u = (x >>> 40) / 2^24 * 2 - 1}, in
 *       [-1, 1);</li>
 *   <li>names ending in {@code running_var} get {@code 0.75 + 0.25 u} (positive, as a
 *       variance must be); other tensors of rank 2 or more {@code u / sqrt(fan_in)} with
 *       {@code fan_in = numel / shape[0]}; rank-1 tensors whose name ends in
 *       {@code .weight} (normalization scales) {@code 1 + 0.1 u}; everything else
 *       {@code 0.1 u}.</li>
 * </ul>
 *
 * Values are computed in double and rounded once to float, as the Python copies a float64
 * array into a float32 tensor. The Python skips integer tensors such as
 * {@code num_batches_tracked}; callers here ask only for float parameters.
 */
public final class SyntheticWeights {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long LCG_MULTIPLIER = 6364136223846793005L;
    private static final long LCG_INCREMENT = 1442695040888963407L;

    private SyntheticWeights() {
    }

    /** The F32 weights for parameter {@code name} of shape {@code shape}, with seed 0. */
    public static Tensor generate(String name, int[] shape) {
        return generate(name, shape, 0);
    }

    /** The F32 weights for parameter {@code name} of shape {@code shape} under {@code seed}. */
    public static Tensor generate(String name, int[] shape, long seed) {
        Objects.requireNonNull(name, "name");
        Tensor t = Tensor.zeros(DType.F32, shape);
        float[] out = t.floats();
        int n = out.length;
        if (n == 0) {
            return t;
        }
        // Java's long arithmetic wraps modulo 2^64, which is exactly the Python's "& mask".
        long x = fnv1a64(name) ^ seed;
        double scale = Math.sqrt((double) n / (shape.length >= 2 ? shape[0] : 1));
        Rule rule = name.endsWith("running_var") ? Rule.RUNNING_VAR
                : shape.length >= 2 ? Rule.FAN_IN
                : name.endsWith(".weight") ? Rule.NORM_SCALE
                : Rule.SMALL;
        for (int i = 0; i < n; i++) {
            x = x * LCG_MULTIPLIER + LCG_INCREMENT;
            double u = (x >>> 40) / (double) (1 << 24) * 2.0 - 1.0;
            double v = switch (rule) {
                case RUNNING_VAR -> 0.75 + 0.25 * u;
                case FAN_IN -> u / scale;
                case NORM_SCALE -> 1.0 + 0.1 * u;
                case SMALL -> 0.1 * u;
            };
            out[i] = (float) v;
        }
        return t;
    }

    private enum Rule { RUNNING_VAR, FAN_IN, NORM_SCALE, SMALL }

    private static long fnv1a64(String name) {
        long h = FNV_OFFSET;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return h;
    }
}
