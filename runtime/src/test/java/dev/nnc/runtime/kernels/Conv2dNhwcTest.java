package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channels-last convolution against a naive loop nest in double over NHWC input and OIHW
 * weights: public entry points (packed and raw weights), the vector path and the scalar twin,
 * one and two threads, x in NHWC and in NCHW (the gather that converts the layout). Sizes are
 * odd on purpose: rows not a multiple of the 8-row tile, output channels not a multiple of the
 * 16/32-wide panels, K deeper than one k slice.
 *
 * <p>Tolerance as {@code ConvTest}: {@code |y - ref| <= 1e-4 * (|ref| + 1) * max(1, sqrt(K) / 8)}.
 */
class Conv2dNhwcTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    record Case(String name, int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw,
                int pt, int pl, int pb, int pr, int dh, int dw, boolean bias, boolean relu) {
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
                new Case("3x3 valid, batch 1", 1, 3, 9, 11, 5, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, true, false),
                new Case("3x3 same, batch 3, relu", 3, 4, 13, 13, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("3x3 stride 2 padded", 3, 5, 17, 19, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true, false),
                new Case("stride 2 unpadded, odd", 1, 2, 15, 9, 3, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, false, true),
                new Case("mixed strides 1x2", 2, 3, 10, 11, 4, 2, 3, 1, 2, 0, 1, 0, 1, 1, 1, true, false),
                new Case("asymmetric padding", 3, 3, 7, 8, 6, 3, 2, 1, 1, 0, 2, 1, 0, 1, 1, true, true),
                new Case("asymmetric padding, stride 2", 1, 4, 9, 7, 4, 3, 3, 2, 2, 2, 0, 1, 3, 1, 1, false, false),
                new Case("dilation 2", 2, 8, 15, 15, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, true, false),
                new Case("dilation 2 stride 2", 1, 3, 16, 13, 5, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, true, true),
                new Case("stride 3, wide padding, dilation 2x1", 2, 3, 14, 17, 5, 3, 2, 3, 3, 2, 3, 1, 2, 2, 1, true, false),
                new Case("7x7 stride 2 stem, 3 channels", 2, 3, 37, 33, 16, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, true, true),
                new Case("1 input channel, 32 outputs", 3, 1, 12, 12, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("1x1", 3, 16, 7, 9, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("1x1, 33 outputs, rows not a multiple of 8", 1, 19, 5, 7, 33, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, true, false),
                new Case("1x1 stride 2", 2, 5, 9, 9, 7, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, false, false),
                new Case("1x1 padded", 1, 3, 5, 6, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false),
                new Case("5x5 wide, one output row", 1, 2, 5, 40, 3, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, true, false),
                new Case("kernel as large as the input", 2, 3, 4, 4, 5, 4, 4, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("1x1 input", 2, 7, 1, 1, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, true, false),
                new Case("CNN layer 32->64 3x3 13x13", 4, 32, 13, 13, 64, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("48 outputs (32 + 16 panel)", 2, 6, 6, 7, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("40 outputs (32 + 8 in a 16 panel)", 2, 6, 6, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false),
                new Case("70 outputs, 3 panels", 1, 5, 8, 5, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, true),
                new Case("deep: 130 channels 3x3 (two k slices)", 2, 130, 5, 6, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("deep 1x1: 1100 channels (two k slices, direct)", 1, 1100, 3, 5, 17, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("no channels: bias only", 2, 0, 4, 4, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("wide image, several tiles", 1, 3, 40, 50, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPathMatchesTheNaiveLoops(Case cs) {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (boolean nchw : new boolean[] {false, true}) {
                run(cs, "packed", 0, nchw);
                run(cs, "raw weights", 1, nchw);
                run(cs, "scalar", 2, nchw);
                if (Gemm.VECTOR && cs.c() > 0) {
                    run(cs, "vector", 3, nchw);
                }
            }
        }
    }

    /** The first layers of the example CNNs and a few more with an NCHW x: 1, 3 and 5 channels, odd sizes. */
    static Stream<Arguments> nchwCases() {
        return Stream.of(
                new Case("mnist conv1 (1 channel)", 3, 1, 28, 28, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("cifar conv1 (3 channels)", 3, 3, 32, 32, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, true, true),
                new Case("3 channels, odd, same padding", 2, 3, 19, 23, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("5 channels 5x5 stride 2 padded", 2, 5, 21, 17, 9, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, false, false),
                new Case("5 channels 1x1", 2, 5, 7, 9, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, true, false),
                new Case("3 channels dilation 2, asymmetric padding", 1, 3, 13, 16, 6, 3, 3, 1, 2, 0, 2, 1, 0, 2, 2, true, true),
                new Case("200 channels (two k slices)", 1, 200, 6, 5, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true),
                new Case("3 channels 3x3 stride 2, wide", 2, 3, 40, 41, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true, true),
                new Case("1 channel 5x5 stride 2", 2, 1, 30, 37, 8, 5, 5, 2, 2, 0, 0, 0, 0, 1, 1, true, false),
                new Case("3 channels 7x7 stride 2 stem", 1, 3, 45, 47, 16, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, true, true),
                new Case("3 channels stride 2x1", 2, 3, 20, 21, 9, 3, 3, 2, 1, 1, 0, 1, 0, 1, 1, false, true)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nchwCases")
    void nchwInputMatchesTheNaiveLoops(Case cs) {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            run(cs, "packed", 0, true);
            run(cs, "raw weights", 1, true);
            run(cs, "scalar", 2, true);
            if (Gemm.VECTOR) {
                run(cs, "vector", 3, true);
            }
        }
    }

    @Test
    void refusesGroupsAndMismatchedWeights() {
        float[] x = new float[2 * 5 * 5 * 4];
        float[] w = new float[4 * 2 * 3 * 3];
        float[] out = new float[2 * 3 * 3 * 4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2dNhwc.conv2d(x, 0, 2, 5, 5, 4, w, 0, 4, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 2, out, 0, 3, 3, false));
        assertTrue(e.getMessage().contains("groups = 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conv2dNhwc.packWeights(w, 0, 4, 2, 3, 3, 2));
        PackedMatrix nchw = Conv2d.packWeights(new float[4 * 4 * 9], 0, 4, 4, 3, 3, 1);
        assertThrows(IllegalArgumentException.class,
                () -> Conv2dNhwc.conv2d(x, 0, 2, 5, 5, 4, nchw, 4, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 3, 3, false));
        PackedMatrix packed = Conv2dNhwc.packWeights(new float[4 * 4 * 9], 0, 4, 4, 3, 3, 1);
        assertThrows(IllegalArgumentException.class,
                () -> Conv2dNhwc.conv2d(x, 0, 2, 5, 5, 4, packed, 4, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 4, 3, false));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2dNhwc.conv2d(x, 1, 2, 5, 5, 4, packed, 4, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, out, 0, 3, 3, false));
    }

    /** x NHWC or NCHW: 32 channels 3x3 same; 3 channels at stride 1 and 2; 1 channel. */
    static Stream<Arguments> allocationCases() {
        return Stream.of(Arguments.of(false, 32, 1), Arguments.of(true, 32, 1), Arguments.of(true, 3, 1),
                Arguments.of(true, 3, 2), Arguments.of(false, 1, 1));
    }

    @ParameterizedTest(name = "nchw input {0}, {1} channels, stride {2}")
    @MethodSource("allocationCases")
    void steadyStateCallAllocatesNothingOnTheCaller(boolean nchw, int c, int stride) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Parallel.setThreads(2);
        SplittableRandom random = new SplittableRandom(5);
        int size = 13;
        int outSize = (size - 1) / stride + 1;
        float[] x = GemmTest.random(random, 8 * size * size * c);
        PackedMatrix w = Conv2dNhwc.packWeights(GemmTest.random(random, 64 * c * 9), 0, 64, c, 3, 3, 1);
        float[] bias = GemmTest.random(random, 64);
        float[] out = new float[8 * outSize * outSize * 64];
        Runnable call = () -> Conv2dNhwc.conv2d(x, 0, 8, size, size, c, nchw, w, 64, 3, 3, bias, 0, stride, stride,
                1, 1, 1, 1, 1, 1, 1, out, 0, outSize, outSize, true);
        // Steady state is once C2 has compiled the path, which in a busy JVM (the whole suite, its
        // compile queue long) can take more than the first warm-up: measure again after more calls.
        long bytes = Long.MAX_VALUE;
        int rounds = 0;
        while (bytes >= 256 && rounds++ < 20) {
            for (int i = 0; i < 300; i++) {
                call.run();
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20; i++) {
                call.run();
            }
            bytes = threads.getCurrentThreadAllocatedBytes() - before;
        }
        System.out.printf("conv2d nhwc (nchw x %b, %d channels, stride %d): %d bytes in 20 calls after %d warm-ups%n",
                nchw, c, stride, bytes, rounds);
        assertTrue(bytes < 256, "allocated " + bytes + " bytes in 20 calls");
    }

    /** One path on one case; x is [N, C, H, W] when {@code nchw}, else [N, H, W, C]. */
    private static void run(Case cs, String path, int which, boolean nchw) {
        SplittableRandom random = new SplittableRandom(cs.name().hashCode());
        int xOff = 3;
        int wOff = 5;
        int biasOff = 2;
        int outOff = 7;
        int oh = cs.outH();
        int ow = cs.outW();
        int k = cs.kh() * cs.kw() * cs.c();
        float[] x = GemmTest.random(random, xOff + cs.n() * cs.h() * cs.w() * cs.c() + 1);
        float[] w = GemmTest.random(random, wOff + cs.o() * k + 1);
        float[] bias = cs.bias() ? GemmTest.random(random, biasOff + cs.o()) : null;
        float sentinel = -777f;
        float[] out = new float[outOff + cs.n() * oh * ow * cs.o() + 3];
        java.util.Arrays.fill(out, sentinel);
        PackedMatrix packed = Conv2dNhwc.packWeights(w, wOff, cs.o(), cs.c(), cs.kh(), cs.kw(), 1);
        switch (which) {
            case 0 -> Conv2dNhwc.conv2d(x, xOff, cs.n(), cs.h(), cs.w(), cs.c(), nchw, packed, cs.o(), cs.kh(), cs.kw(),
                    bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), 1,
                    out, outOff, oh, ow, cs.relu());
            case 1 -> Conv2dNhwc.conv2d(x, xOff, cs.n(), cs.h(), cs.w(), cs.c(), nchw, w, wOff, cs.o(), cs.kh(), cs.kw(),
                    bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), 1,
                    out, outOff, oh, ow, cs.relu());
            case 2 -> Conv2dNhwcScalar.conv2d(x, xOff, cs.n(), cs.h(), cs.w(), cs.c(), nchw, packed.data, cs.o(), cs.kh(),
                    cs.kw(), bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.dh(), cs.dw(), out, outOff, oh, ow,
                    cs.relu(), 0, 0);
            case 3 -> Conv2dNhwcVector.conv2d(x, xOff, cs.n(), cs.h(), cs.w(), cs.c(), nchw, packed.data, cs.o(), cs.kh(),
                    cs.kw(), bias, biasOff, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.dh(), cs.dw(), out, outOff, oh, ow,
                    cs.relu(), 0, 0);
            default -> throw new IllegalArgumentException();
        }
        double scale = Math.max(1, Math.sqrt(k) / 8);
        for (int n = 0; n < cs.n(); n++) {
            for (int y = 0; y < oh; y++) {
                for (int z = 0; z < ow; z++) {
                    for (int o = 0; o < cs.o(); o++) {
                        double ref = bias == null ? 0 : bias[biasOff + o];
                        for (int ky = 0; ky < cs.kh(); ky++) {
                            for (int kx = 0; kx < cs.kw(); kx++) {
                                int iy = y * cs.sh() - cs.pt() + ky * cs.dh();
                                int ix = z * cs.sw() - cs.pl() + kx * cs.dw();
                                if (iy < 0 || iy >= cs.h() || ix < 0 || ix >= cs.w()) {
                                    continue;
                                }
                                for (int c = 0; c < cs.c(); c++) {
                                    double xv = x[xOff + (nchw ? ((n * cs.c() + c) * cs.h() + iy) * cs.w() + ix
                                            : ((n * cs.h() + iy) * cs.w() + ix) * cs.c() + c)];
                                    double wv = w[wOff + ((o * cs.c() + c) * cs.kh() + ky) * cs.kw() + kx];
                                    ref += xv * wv;
                                }
                            }
                        }
                        if (cs.relu()) {
                            ref = Math.max(ref, 0);
                        }
                        float got = out[outOff + ((n * oh + y) * ow + z) * cs.o() + o];
                        if (!(Math.abs(got - ref) <= 1e-4 * (Math.abs(ref) + 1) * scale)) {
                            fail(cs + " [" + path + (nchw ? ", nchw x" : "") + ", " + Parallel.threads() + " thread(s)]: out[" + n + "][" + y + "]["
                                    + z + "][" + o + "] = " + got + ", expected " + ref);
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
