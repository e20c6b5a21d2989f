package dev.nnc.runtime.kernels;

/** Fills a tensor viewed as [outer, axis, inner] with each element's index along the axis. */
public final class Iota {
    private Iota() {}

    public static void iota(float[] out, int outOff, int outer, int axis, int inner) {
        int p = outOff;
        for (int o = 0; o < outer; o++) {
            for (int a = 0; a < axis; a++) {
                java.util.Arrays.fill(out, p, p + inner, a);
                p += inner;
            }
        }
    }
}
