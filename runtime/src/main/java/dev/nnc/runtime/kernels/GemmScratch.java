package dev.nnc.runtime.kernels;

/**
 * Per-thread packing buffers, grown on demand and then reused, so that a kernel call in steady
 * state allocates nothing. Each pool worker and each calling thread has its own.
 */
final class GemmScratch {
    private static final ThreadLocal<GemmScratch> LOCAL = ThreadLocal.withInitial(GemmScratch::new);

    /** A panels of the current (MC x KC) block. */
    private float[] a = new float[0];
    /** B panels of a convolution tile (kc x tile). */
    private float[] b = new float[0];
    /** The caller's packed (k x column block) of B for an unpacked GEMM, read by every worker. */
    private float[] sharedB = new float[0];
    /** Packed weights of a convolution called without prepacked weights. */
    private float[] weights = new float[0];
    /** One register tile, for tiles that hang over the edge of C. */
    final float[] tile = new float[PackedMatrix.MR * PackedMatrix.NR];
    /** Output block of a convolution tile in padded coordinates. */
    private float[] out = new float[0];
    /** Zero-padded copy of the rows a convolution tile reads. */
    private float[] padded = new float[0];
    /** Convolution output of one band of a convolution fused with a max pooling, pooled from here. */
    private float[] band = new float[0];
    /** Offsets of the rows of a convolution's column matrix. */
    private int[] offsets = new int[0];

    static GemmScratch get() {
        return LOCAL.get();
    }

    float[] a(int size) {
        return a.length >= size ? a : (a = new float[size]);
    }

    float[] b(int size) {
        return b.length >= size ? b : (b = new float[size]);
    }

    float[] sharedB(int size) {
        return sharedB.length >= size ? sharedB : (sharedB = new float[size]);
    }

    float[] weights(int size) {
        return weights.length >= size ? weights : (weights = new float[size]);
    }

    float[] out(int size) {
        return out.length >= size ? out : (out = new float[size]);
    }

    float[] band(int size) {
        return band.length >= size ? band : (band = new float[size]);
    }

    int[] offsets(int size) {
        return offsets.length >= size ? offsets : (offsets = new int[size]);
    }

    float[] padded(int size) {
        return padded.length >= size ? padded : (padded = new float[size]);
    }
}
