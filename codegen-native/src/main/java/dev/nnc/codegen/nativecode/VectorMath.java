package dev.nnc.codegen.nativecode;

/** Placeholder until the vector math library lands: e^x and friends on {@code <lanes x float>} values. */
public final class VectorMath {
    private VectorMath() {}

    /** e^x of a {@code <lanes x float>} value; returns the result's IR name. */
    public static String exp(FunctionWriter f, int lanes, String x) {
        throw new UnsupportedByNative("vector exp is not emitted yet");
    }
}
