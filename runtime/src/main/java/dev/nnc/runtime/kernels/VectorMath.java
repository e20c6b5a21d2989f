package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector twins of {@link ScalarMath}: what generated elementwise loops call per lane
 * group. Loaded only when the Vector API is available (see {@link VectorSupport}).
 */
public final class VectorMath {
    private VectorMath() {}

    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    public static FloatVector neg(FloatVector x) { return x.neg(); }

    public static FloatVector abs(FloatVector x) { return x.abs(); }

    public static FloatVector relu(FloatVector x) { return x.max(0f); }

    public static FloatVector sigmoid(FloatVector x) {
        return inverse(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    public static FloatVector tanh(FloatVector x) { return x.lanewise(VectorOperators.TANH); }

    public static FloatVector gelu(FloatVector x) { return x.mul(0.5f).mul(erf(x.mul(SQRT_HALF)).add(1f)); }

    public static FloatVector gelu_tanh(FloatVector x) {
        FloatVector u = x.mul(x).mul(x).mul(0.044715f).add(x).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(u.lanewise(VectorOperators.TANH).add(1f));
    }

    /**
     * erf with about 1e-7 absolute error: W. J. Cody's form erf(x) = 1 - t*exp(-x^2 + P(t)),
     * t = 1/(1 + 0.5|x|) (Numerical Recipes' erfc approximation, relative error < 1.2e-7).
     */
    public static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = inverse(ax.mul(0.5f).add(1f));
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = p.mul(t).add(1.48851587f);
        p = p.mul(t).add(-1.13520398f);
        p = p.mul(t).add(0.27886807f);
        p = p.mul(t).add(-0.18628806f);
        p = p.mul(t).add(0.09678418f);
        p = p.mul(t).add(0.37409196f);
        p = p.mul(t).add(1.00002368f);
        p = p.mul(t).add(-1.26551223f);
        FloatVector erfc = t.mul(ax.mul(ax).neg().add(p).lanewise(VectorOperators.EXP));
        FloatVector r = erfc.neg().add(1f);
        return r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
    }

    public static FloatVector exp(FloatVector x) { return x.lanewise(VectorOperators.EXP); }

    public static FloatVector log(FloatVector x) { return x.lanewise(VectorOperators.LOG); }

    public static FloatVector sqrt(FloatVector x) { return x.sqrt(); }

    public static FloatVector rsqrt(FloatVector x) { return inverse(x.sqrt()); }

    private static FloatVector inverse(FloatVector x) { return x.broadcast(1f).div(x); }

    public static FloatVector add(FloatVector a, FloatVector b) { return a.add(b); }

    public static FloatVector sub(FloatVector a, FloatVector b) { return a.sub(b); }

    public static FloatVector mul(FloatVector a, FloatVector b) { return a.mul(b); }

    public static FloatVector div(FloatVector a, FloatVector b) { return a.div(b); }

    public static FloatVector pow(FloatVector a, FloatVector b) { return a.lanewise(VectorOperators.POW, b); }

    public static FloatVector max(FloatVector a, FloatVector b) { return a.max(b); }

    public static FloatVector min(FloatVector a, FloatVector b) { return a.min(b); }
}
