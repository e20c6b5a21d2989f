package dev.nnc.codegen.nativecode;

/**
 * One axis of pooling windows: where the window of an output coordinate starts and ends in
 * the input once clipped to it, for one coordinate (i64 values) or one per lane
 * ({@code <lanes x i32>} values). A window can only cross the input's start when there is
 * padding before it and its end when there is padding after it (the output size is the floor
 * of the padded extent), so unpadded sides cost nothing.
 */
final class PoolAxis {
    private final String type, suffix, size;
    private final int kernel, stride, padBefore, padAfter;

    private PoolAxis(String type, String suffix, String size, int kernel, int stride, int padBefore, int padAfter) {
        this.type = type;
        this.suffix = suffix;
        this.size = size;
        this.kernel = kernel;
        this.stride = stride;
        this.padBefore = padBefore;
        this.padAfter = padAfter;
    }

    /** Windows of one coordinate at a time; {@code size} is the input extent (an i64 value). */
    static PoolAxis scalar(String size, int kernel, int stride, int padBefore, int padAfter) {
        return new PoolAxis("i64", "i64", size, kernel, stride, padBefore, padAfter);
    }

    /** Windows of one coordinate per lane; {@code size} is the input extent (an i64 value). */
    static PoolAxis lanes(FunctionWriter f, int lanes, String size, int kernel, int stride, int padBefore, int padAfter) {
        String splat = ConvVectors.splat(f, lanes, "i32", ConvIr.toI32(f, size));
        return new PoolAxis("<" + lanes + " x i32>", "v" + lanes + "i32", splat, kernel, stride, padBefore, padAfter);
    }

    /** The unclipped window start of output coordinate(s) {@code coordinate}: {@code coordinate * stride - padBefore}. */
    String start(FunctionWriter f, String coordinate) {
        return f.let("sub %s %s, %s", type, f.let("mul %s %s, %s", type, coordinate, constant(stride)), constant(padBefore));
    }

    /** The first input index the window covers. */
    String first(FunctionWriter f, String start) {
        return padBefore == 0 ? start : call(f, "smax", start, constant(0));
    }

    /** One past the last input index the window covers. */
    String end(FunctionWriter f, String start) {
        String end = f.let("add %s %s, %s", type, start, constant(kernel));
        return padAfter == 0 ? end : call(f, "smin", end, size);
    }

    private String call(FunctionWriter f, String op, String a, String b) {
        String name = "llvm." + op + "." + suffix;
        f.module().declare("declare " + type + " @" + name + "(" + type + ", " + type + ")");
        return f.let("call %s @%s(%s %s, %s %s)", type, name, type, a, type, b);
    }

    private String constant(int v) {
        return type.equals("i64") ? Integer.toString(v) : "splat (i32 " + v + ")";
    }
}
