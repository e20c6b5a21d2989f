package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution against a naive 7-loop reference in double, on the public entry points (raw and
 * packed weights), the vector path and the scalar twin, with one and two threads.
 *
 * <p>Tolerance: {@code |y - ref| <= 1e-4 * (|ref| + 1) * max(1, sqrt(K) / 8)} with
 * {@code K = C/groups * KH * KW} terms per output; inputs and weights in [-1, 1].
 */
class ConvTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One convolution: input, kernel, stride, padding (top, left, bottom, right), dilation, groups, epilogue. */
    record Case(String name, int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw,
                int pt, int pl, int pb, int pr, int dh, int dw, int groups, boolean bias, boolean relu) {
        int outH() {
            return Conv2d.outputSize(h, kh, sh, pt, pb, dh);
        }

        int outW() {
            return Conv2d.outputSize(w, kw, sw, pl, pr, dw);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("3x3 valid, batch 1", 1, 3, 9, 11, 5, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false),
                new Case("3x3 same, batch 3, relu", 3, 4, 13, 13, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("3x3 stride 2 padded", 3, 5, 17, 19, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, false),
                new Case("stride 2 unpadded, odd", 1, 2, 15, 9, 3, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1, false, true),
                new Case("mixed strides 1x2", 2, 3, 10, 11, 4, 2, 3, 1, 2, 0, 1, 0, 1, 1, 1, 1, true, false),
                new Case("asymmetric padding", 3, 3, 7, 8, 6, 3, 2, 1, 1, 0, 2, 1, 0, 1, 1, 1, true, true),
                new Case("asymmetric padding, stride 2", 1, 4, 9, 7, 4, 3, 3, 2, 2, 2, 0, 1, 3, 1, 1, 1, false, false),
                new Case("dilation 2", 2, 8, 15, 15, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, true, false),
                new Case("dilation 2 stride 2", 1, 3, 16, 13, 5, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 1, true, true),
                new Case("stride 3, wide padding, dilation 2x1", 2, 3, 14, 17, 5, 3, 2, 3, 3, 2, 3, 1, 2, 2, 1, 1, true, false),
                new Case("7x7 stride 2 stem, 3 channels", 1, 3, 37, 33, 16, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, true, true),
                new Case("groups 2", 3, 8, 11, 9, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, true, true),
                new Case("depthwise", 3, 6, 9, 11, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6, true, false),
                new Case("depthwise x2 multiplier, stride 2", 1, 4, 12, 12, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4, false, true),
                new Case("1x1", 3, 16, 7, 9, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, true),
                new Case("1x1 stride 2", 2, 5, 9, 9, 7, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, false, false),
                new Case("1x1 padded", 1, 3, 5, 6, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false),
                new Case("1x3 unpadded (direct output)", 2, 3, 6, 8, 5, 3, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false),
                new Case("5x5 wide, one output row", 1, 2, 5, 40, 3, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false),
                new Case("kernel as large as the input", 2, 3, 4, 4, 5, 4, 4, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, true),
                new Case("1x1 input", 2, 7, 1, 1, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false),
                new Case("CNN layer 32->64 3x3 13x13", 4, 32, 13, 13, 64, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, true),
                new Case("deep: 520 channels 3x3 (two k slices)", 1, 520, 5, 6, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false),
                new Case("wide image, several tiles", 1, 3, 40, 50, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPathMatchesTheNaiveLoops(Case cs) {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            run(cs, "conv2d", 0);
            run(cs, "conv2d packed", 1);
            run(cs, "scalar", 2);
            run(cs, "scalar packed", 3);
            if (Gemm.VECTOR) {
                run(cs, "vector packed", 4);
            }
        }
    }

    @Test
    void vectorPathIsPresentWhenTheModuleIs() {
        assumeTrue(VectorSupport.available() && VectorSupport.floatLanes() == 16);
        if (!Gemm.VECTOR) {
            fail("512-bit Vector API available but Gemm does not use it");
        }
    }

    @Test
    void rejectsInconsistentShapes() {
        float[] x = new float[2 * 3 * 5 * 5];
        float[] w = new float[4 * 3 * 3 * 3];
        float[] out = new float[2 * 4 * 3 * 3];
        assertThrows(IllegalArgumentException.class, () -> Conv2d.conv2d(x, 0, 2, 3, 5, 5, w, 0, 4, 3, 3, null, 0,
                1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 4, 3, false));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.conv2d(x, 0, 2, 3, 5, 5, w, 0, 4, 3, 3, null, 0,
                1, 1, 0, 0, 0, 0, 1, 1, 2, out, 0, 3, 3, false));
        assertThrows(IndexOutOfBoundsException.class, () -> Conv2d.conv2d(x, 1, 2, 3, 5, 5, w, 0, 4, 3, 3, null, 0,
                1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 3, 3, false));
        PackedMatrix wrong = Conv2d.packWeights(w, 0, 4, 3, 3, 3, 1);
        assertThrows(IllegalArgumentException.class, () -> Conv2d.conv2d(x, 0, 2, 3, 5, 5, wrong, 4, 3, 3, null, 0,
                1, 1, 1, 1, 1, 1, 1, 1, 1, out, 0, 3, 3, false));
        PackedMatrix grouped = Conv2d.packWeights(new float[4 * 1 * 3 * 3], 0, 4, 1, 3, 3, 1);
        assertThrows(IllegalArgumentException.class, () -> Conv2d.conv2d(x, 0, 2, 3, 5, 5, grouped, 4, 3, 3, null, 0,
                1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 3, 3, false));
    }

    private static void run(Case cs, String path, int which) {
        SplittableRandom random = new SplittableRandom(cs.name().hashCode());
        int cg = cs.c() / cs.groups();
        int xOff = 3;
        int wOff = 5;
        int biasOff = 2;
        int outOff = 7;
        int oh = cs.outH();
        int ow = cs.outW();
        float[] x = GemmTest.random(random, xOff + cs.n() * cs.c() * cs.h() * cs.w() + 1);
        float[] w = GemmTest.random(random, wOff + cs.o() * cg * cs.kh() * cs.kw() + 1);
        float[] bias = cs.bias() ? GemmTest.random(random, biasOff + cs.o()) : null;
        float sentinel = -777f;
        float[] out = new float[outOff + cs.n() * cs.o() * oh * ow + 3];
        java.util.Arrays.fill(out, sentinel);
        PackedMatrix packed = Conv2d.packWeights(w, wOff, cs.o(), cg, cs.kh(), cs.kw(), cs.groups());
        switch (which) {
            case 0 -> Conv2d.conv2d(x, xOff, cs.n(), cs.c(), cs.h(), cs.w(), w, wOff, cs.o(), cs.kh(), cs.kw(),
                    bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), cs.groups(),
                    out, outOff, oh, ow, cs.relu());
            case 1 -> Conv2d.conv2d(x, xOff, cs.n(), cs.c(), cs.h(), cs.w(), packed, cs.o(), cs.kh(), cs.kw(),
                    bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), cs.groups(),
                    out, outOff, oh, ow, cs.relu());
            case 2 -> ConvScalar.conv2d(x, xOff, cs.n(), cs.c(), cs.h(), cs.w(), w, wOff, -1, cs.o(), cs.kh(), cs.kw(),
                    bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), cs.groups(),
                    out, outOff, oh, ow, cs.relu());
            case 3 -> ConvScalar.conv2d(x, xOff, cs.n(), cs.c(), cs.h(), cs.w(), packed.data, 0, packed.groupStride,
                    cs.o(), cs.kh(), cs.kw(), bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(),
                    cs.dh(), cs.dw(), cs.groups(), out, outOff, oh, ow, cs.relu());
            case 4 -> ConvVector.conv2d(x, xOff, cs.n(), cs.c(), cs.h(), cs.w(), packed.data, packed.groupStride,
                    cs.o(), cs.kh(), cs.kw(), bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(),
                    cs.dh(), cs.dw(), cs.groups(), out, outOff, oh, ow, cs.relu());
            default -> throw new IllegalArgumentException();
        }
        int og = cs.o() / cs.groups();
        int k = cg * cs.kh() * cs.kw();
        double scale = Math.max(1, Math.sqrt(k) / 8);
        for (int n = 0; n < cs.n(); n++) {
            for (int o = 0; o < cs.o(); o++) {
                int g = o / og;
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        double ref = bias == null ? 0 : bias[biasOff + o];
                        for (int c = 0; c < cg; c++) {
                            for (int ky = 0; ky < cs.kh(); ky++) {
                                for (int kx = 0; kx < cs.kw(); kx++) {
                                    int iy = y * cs.sh() - cs.pt() + ky * cs.dh();
                                    int ix = z * cs.sw() - cs.pl() + kx * cs.dw();
                                    if (iy < 0 || iy >= cs.h() || ix < 0 || ix >= cs.w()) {
                                        continue;
                                    }
                                    double xv = x[xOff + ((n * cs.c() + g * cg + c) * cs.h() + iy) * cs.w() + ix];
                                    double wv = w[wOff + ((o * cg + c) * cs.kh() + ky) * cs.kw() + kx];
                                    ref += xv * wv;
                                }
                            }
                        }
                        if (cs.relu()) {
                            ref = Math.max(ref, 0);
                        }
                        float got = out[outOff + ((n * cs.o() + o) * oh + y) * ow + z];
                        if (!(Math.abs(got - ref) <= 1e-4 * (Math.abs(ref) + 1) * scale)) {
                            fail(cs + " [" + path + ", " + Parallel.threads() + " thread(s)]: out[" + n + "][" + o + "]["
                                    + y + "][" + z + "] = " + got + ", expected " + ref);
                        }
                    }
                }
            }
        }
        for (int i = 0; i < outOff; i++) {
            if (out[i] != sentinel) {
                fail(cs + " [" + path + "] wrote before the output");
            }
        }
        for (int i = outOff + cs.n() * cs.o() * oh * ow; i < out.length; i++) {
            if (out[i] != sentinel) {
                fail(cs + " [" + path + "] wrote after the output");
            }
        }
    }
}
