package dev.nnc.runtime;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Weight initializers by name, as a model source can request them for parameters that no
 * weights file provides (Keras-style names, PyTorch's fan computation).
 *
 * <table>
 *   <caption>Kinds and their arguments (defaults in parentheses)</caption>
 *   <tr><td>{@code zeros}, {@code ones}</td><td>none</td></tr>
 *   <tr><td>{@code constant}</td><td>{@code value} (required)</td></tr>
 *   <tr><td>{@code uniform}</td><td>{@code low} (-0.05), {@code high} (0.05)</td></tr>
 *   <tr><td>{@code normal}</td><td>{@code mean} (0), {@code std} (0.05)</td></tr>
 *   <tr><td>{@code glorot_uniform}</td><td>none: U(-a, a), a = sqrt(6 / (fan_in + fan_out))</td></tr>
 *   <tr><td>{@code glorot_normal}</td><td>none: N(0, 2 / (fan_in + fan_out))</td></tr>
 *   <tr><td>{@code he_uniform}</td><td>none: U(-a, a), a = sqrt(6 / fan_in)</td></tr>
 *   <tr><td>{@code he_normal}</td><td>none: N(0, 2 / fan_in)</td></tr>
 *   <tr><td>{@code lecun_normal}</td><td>none: N(0, 1 / fan_in)</td></tr>
 * </table>
 *
 * <p>Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a shape
 * {@code [out, in, k1, k2, ...]}, {@code fan_in = in * k1 * k2 ...} and
 * {@code fan_out = out * k1 * k2 ...}; a rank-1 shape {@code [n]} has both fans n and a
 * scalar has both 1. The normal variants are plain (not truncated) normals, as PyTorch's
 * {@code xavier_normal_} and {@code kaiming_normal_} draw. Values are drawn in double in
 * row-major order and rounded to the dtype. Integer and bool tensors accept only
 * {@code zeros}, {@code ones} and an integral {@code constant}.
 */
public final class Initializers {
    /** Each kind's arguments with their defaults; a null default means the argument is required. */
    private static final Map<String, Map<String, Double>> KINDS = kindTable();

    private Initializers() {
    }

    private static Map<String, Map<String, Double>> kindTable() {
        Map<String, Map<String, Double>> kinds = new LinkedHashMap<>();
        kinds.put("zeros", Map.of());
        kinds.put("ones", Map.of());
        kinds.put("constant", Collections.singletonMap("value", null));
        kinds.put("uniform", ordered("low", -0.05, "high", 0.05));
        kinds.put("normal", ordered("mean", 0.0, "std", 0.05));
        for (String k : new String[] {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal"}) {
            kinds.put(k, Map.of());
        }
        return Collections.unmodifiableMap(kinds);
    }

    private static Map<String, Double> ordered(String a, double aDefault, String b, double bDefault) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(a, aDefault);
        m.put(b, bDefault);
        return Collections.unmodifiableMap(m);
    }

    /** The initializer names, in documentation order. */
    public static Set<String> kinds() {
        return KINDS.keySet();
    }

    /**
     * The argument names {@code kind} accepts (empty for most kinds).
     *
     * @throws IllegalArgumentException if {@code kind} is not an initializer
     */
    public static Set<String> argumentNames(String kind) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(spec(kind).keySet()));
    }

    /**
     * A new tensor of {@code dtype} and {@code shape} filled by initializer {@code kind}.
     *
     * @param args argument values by name; absent arguments take their defaults, and
     *     {@code null} means no arguments
     * @param rng the source of randomness, so that seeded runs reproduce
     * @throws IllegalArgumentException for an unknown kind or argument, a missing required
     *     argument, invalid argument values ({@code low > high}, {@code std < 0}, non-finite values), or a
     *     random kind requested for an integer or bool dtype
     */
    public static Tensor initialize(String kind, Map<String, Double> args, DType dtype, int[] shape,
                                    RandomGenerator rng) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(rng, "rng");
        Map<String, Double> params = resolve(kind, args == null ? Map.of() : args);
        int n = Tensor.elementCount(shape);

        if (!dtype.isFloat()) {
            long fill = switch (kind) {
                case "zeros" -> 0;
                case "ones" -> 1;
                case "constant" -> integral(params.get("value"), dtype);
                default -> throw new IllegalArgumentException("Initializer '" + kind + "' draws random real numbers, "
                        + "so it cannot fill a " + dtype + " tensor; use zeros, ones or constant.");
            };
            long[] data = new long[n];
            Arrays.fill(data, fill);
            return Tensor.ofLongs(dtype, shape, data);
        }

        float[] data = new float[n];
        switch (kind) {
            case "zeros" -> {
            }
            case "ones" -> Arrays.fill(data, 1f);
            case "constant" -> Arrays.fill(data, params.get("value").floatValue());
            case "uniform" -> fillUniform(data, params.get("low"), params.get("high"), rng);
            case "normal" -> fillNormal(data, params.get("mean"), params.get("std"), rng);
            default -> {
                long[] fans = fans(shape);
                double fanIn = fans[0];
                double fanOut = fans[1];
                switch (kind) {
                    case "glorot_uniform" -> {
                        double a = Math.sqrt(6.0 / (fanIn + fanOut));
                        fillUniform(data, -a, a, rng);
                    }
                    case "glorot_normal" -> fillNormal(data, 0, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
                    case "he_uniform" -> {
                        double a = Math.sqrt(6.0 / fanIn);
                        fillUniform(data, -a, a, rng);
                    }
                    case "he_normal" -> fillNormal(data, 0, Math.sqrt(2.0 / fanIn), rng);
                    case "lecun_normal" -> fillNormal(data, 0, Math.sqrt(1.0 / fanIn), rng);
                    default -> throw new AssertionError("kind table and switch disagree on " + kind);
                }
            }
        }
        return Tensor.ofFloats(dtype, shape, data);
    }

    /**
     * {@code {fan_in, fan_out}} of {@code shape} as PyTorch computes them, at least 1 each so
     * that empty dimensions cannot produce an infinite scale.
     */
    static long[] fans(int[] shape) {
        if (shape.length == 0) {
            return new long[] {1, 1};
        }
        if (shape.length == 1) {
            return new long[] {Math.max(1, shape[0]), Math.max(1, shape[0])};
        }
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new long[] {Math.max(1, shape[1] * receptive), Math.max(1, shape[0] * receptive)};
    }

    private static Map<String, Double> spec(String kind) {
        Map<String, Double> spec = KINDS.get(kind);
        if (spec == null) {
            throw new IllegalArgumentException("Unknown initializer '" + kind + "'; the initializers are "
                    + String.join(", ", KINDS.keySet()) + ".");
        }
        return spec;
    }

    private static Map<String, Double> resolve(String kind, Map<String, Double> args) {
        Map<String, Double> spec = spec(kind);
        for (Map.Entry<String, Double> a : args.entrySet()) {
            if (!spec.containsKey(a.getKey())) {
                String valid = spec.isEmpty() ? "it takes no arguments"
                        : "its arguments are " + String.join(", ", spec.keySet());
                throw new IllegalArgumentException("Initializer '" + kind + "' has no argument '" + a.getKey() + "'; "
                        + valid + ".");
            }
            if (a.getValue() == null || !Double.isFinite(a.getValue())) {
                throw new IllegalArgumentException("Argument '" + a.getKey() + "' of initializer '" + kind
                        + "' must be a finite number, not " + a.getValue() + ".");
            }
        }
        Map<String, Double> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, Double> p : spec.entrySet()) {
            Double v = args.getOrDefault(p.getKey(), p.getValue());
            if (v == null) {
                throw new IllegalArgumentException("Initializer '" + kind + "' needs argument '" + p.getKey() + "'.");
            }
            resolved.put(p.getKey(), v);
        }
        if (kind.equals("uniform") && resolved.get("low") > resolved.get("high")) {
            throw new IllegalArgumentException("Initializer 'uniform' needs low <= high, but low = "
                    + resolved.get("low") + " and high = " + resolved.get("high") + ".");
        }
        if (kind.equals("normal") && resolved.get("std") < 0) {
            throw new IllegalArgumentException("Initializer 'normal' needs std >= 0, but std = "
                    + resolved.get("std") + ".");
        }
        return resolved;
    }

    private static long integral(double value, DType dtype) {
        if (value != Math.rint(value)) {
            throw new IllegalArgumentException("Initializer 'constant' cannot fill a " + dtype + " tensor with "
                    + value + ", which is not an integer.");
        }
        return (long) value;
    }

    private static void fillUniform(float[] data, double low, double high, RandomGenerator rng) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (low + (high - low) * rng.nextDouble());
        }
    }

    private static void fillNormal(float[] data, double mean, double std, RandomGenerator rng) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (mean + std * rng.nextGaussian());
        }
    }
}
