package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolution fused with a max pooling ({@link Conv2dNhwc#conv2dMaxPool}) against the two
 * kernels it replaces: {@link Conv2dNhwc#conv2d} into a full output, then
 * {@link Pool2dNhwc#maxPool} with stride = window, no padding. Every path: the public entry
 * points (packed and raw weights), the vector bands called directly (so that a 1x1 pool, which
 * the public entry sends to the plain convolution, also runs in bands) and the scalar twin, on
 * one and two threads, x in NHWC and NCHW.
 *
 * <p>Cases are seeded random draws (batch 1-3, C, O, kernel 1-3 per axis, stride 1-2, padding
 * 0-1, dilation 1-2, pool 2x2 / 3x3 / 2x1 / 1x1, sizes that the pool does and does not divide,
 * relu or none, bias or none) plus fixed shapes that reach the band partition's corners: column
 * segments (a wide O), splits for the threads at batch 1, runs of bands across images, a deep K
 * over several k slices, NaN.
 *
 * <p>Tolerance: {@code |fused - reference| <= 1e-5 * |reference| + 1e-6}, NaN where the reference
 * is NaN. Each path is compared with the unfused kernels of its own kind (the scalar twin with
 * the scalar convolution and pooling), which sum K in the same order, so they differ by rounding
 * at most.
 */
class Conv2dNhwcMaxPoolTest {
    private static final int[] CHANNELS = {1, 3, 5, 16, 32, 40};
    private static final int[] OUTPUTS = {1, 7, 16, 32, 48, 64, 130};
    private static final int[][] POOLS = {{2, 2}, {3, 3}, {2, 1}, {1, 1}};

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    record Case(String name, int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int pt, int pl,
                int pb, int pr, int dh, int dw, int poolH, int poolW, boolean bias, boolean relu, boolean nan) {
        int convH() {
            return Conv2d.outputSize(h, kh, sh, pt, pb, dh);
        }

        int convW() {
            return Conv2d.outputSize(w, kw, sw, pl, pr, dw);
        }

        @Override
        public String toString() {
            return name + ": " + n + "x" + h + "x" + w + "x" + c + " -> " + o + ", kernel " + kh + "x" + kw
                    + ", stride " + sh + "x" + sw + ", pad " + pt + "," + pl + "," + pb + "," + pr + ", dilation "
                    + dh + "x" + dw + ", conv " + convH() + "x" + convW() + ", pool " + poolH + "x" + poolW
                    + (relu ? ", relu" : "") + (bias ? "" : ", no bias") + (nan ? ", NaN in x" : "");
        }
    }

    /** 40 seeded random cases; sizes drawn until the convolution covers at least one pool window. */
    static Stream<Arguments> randomCases() {
        SplittableRandom random = new SplittableRandom(20261124);
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int kh = 1 + random.nextInt(3), kw = 1 + random.nextInt(3);
            int sh = 1 + random.nextInt(2), sw = 1 + random.nextInt(2);
            int pad = random.nextInt(2);
            int dh = 1 + random.nextInt(2), dw = 1 + random.nextInt(2);
            int[] pool = POOLS[random.nextInt(POOLS.length)];
            Case cs;
            do {
                cs = new Case("random " + i, 1 + random.nextInt(3), CHANNELS[random.nextInt(CHANNELS.length)],
                        4 + random.nextInt(27), 4 + random.nextInt(27), OUTPUTS[random.nextInt(OUTPUTS.length)],
                        kh, kw, sh, sw, pad, pad, pad, pad, dh, dw, pool[0], pool[1], random.nextBoolean(),
                        random.nextBoolean(), false);
            } while (cs.convH() < pool[0] || cs.convW() < pool[1]);
            cases.add(Arguments.of(cs));
        }
        return cases.stream();
    }

    static Stream<Arguments> fixedCases() {
        return Stream.of(
                // mnist conv2 at batch 1: 5 pooled rows, 2 panels split for the threads; 11 % 2 != 0.
                new Case("mnist conv2, batch 1", 1, 32, 13, 13, 64, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, true, true, false),
                // One thread: runs of 6 bands (120 rows, 15 tiles) that cross images; conv row 10 is skipped.
                new Case("runs across images, odd height", 3, 32, 13, 13, 64, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2,
                        true, false, false),
                // mnist conv1 reads the NCHW image (one channel).
                new Case("mnist conv1", 2, 1, 28, 28, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, true, true, false),
                new Case("catsdogs conv3 (17 pooled columns)", 2, 64, 36, 36, 128, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2,
                        true, true, false),
                // 130 outputs pooled 2x2: 31 pooled columns per band, 34 here, so two segments.
                new Case("column segments", 1, 16, 70, 70, 130, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, true, false, false),
                new Case("column segments, pool 3x3", 2, 5, 20, 60, 130, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3,
                        false, true, false),
                // 4 bands of one panel at batch 1: the columns are split for the threads.
                new Case("few bands, one panel", 1, 32, 10, 42, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, true, true, false),
                // K = 2304: three k slices of 768, accumulated in the band scratch.
                new Case("deep: 256 channels 3x3", 1, 256, 10, 12, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, true, true, false),
                new Case("deep, 130 outputs, stride 2", 2, 256, 11, 9, 130, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2,
                        true, false, false),
                new Case("1x1 conv, whole-width bands", 2, 40, 8, 8, 48, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, true, true, false),
                new Case("1x1 conv, pool 2x1", 2, 40, 9, 7, 33, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, 1, false, false, false),
                new Case("NCHW x, 3 channels, stride 2", 2, 3, 31, 29, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2,
                        true, true, false),
                new Case("NaN in x", 2, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, true, true, true),
                new Case("NaN in x, no relu, pool 3x3", 1, 3, 14, 13, 7, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 3, 3,
                        true, false, true)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomCases")
    void randomCasesMatchConvolutionThenPooling(Case cs) {
        everyPath(cs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixedCases")
    void fixedCasesMatchConvolutionThenPooling(Case cs) {
        everyPath(cs);
    }

    private static void everyPath(Case cs) {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (boolean nchw : new boolean[] {false, true}) {
                Operands op = new Operands(cs, nchw);
                float[] expected = op.convThenPool();
                check(cs, op, "packed", 0, expected);
                check(cs, op, "raw weights", 1, expected);
                check(cs, op, "scalar", 2, op.scalarConvThenPool());
                if (Gemm.VECTOR && cs.c() > 0) {
                    check(cs, op, "vector bands", 3, expected);
                }
            }
        }
    }

    /** One case's random operands at odd offsets; x is [N, C, H, W] when nchw, else [N, H, W, C]. */
    private static final class Operands {
        static final int X_OFF = 3, W_OFF = 5, BIAS_OFF = 2, OUT_OFF = 7;
        final Case cs;
        final boolean nchw;
        final float[] x, w, bias;
        final PackedMatrix packed;
        final int ph, pw;

        Operands(Case cs, boolean nchw) {
            this.cs = cs;
            this.nchw = nchw;
            SplittableRandom random = new SplittableRandom(cs.toString().hashCode());
            x = GemmTest.random(random, X_OFF + cs.n() * cs.h() * cs.w() * cs.c() + 1);
            if (cs.nan()) {
                // A few inputs: every convolution output whose window reads one is NaN, across all channels.
                for (int i = 0; i < 3; i++) {
                    x[X_OFF + random.nextInt(cs.n() * cs.h() * cs.w() * cs.c())] = Float.NaN;
                }
            }
            w = GemmTest.random(random, W_OFF + cs.o() * cs.kh() * cs.kw() * cs.c() + 1);
            bias = cs.bias() ? GemmTest.random(random, BIAS_OFF + cs.o()) : null;
            packed = Conv2dNhwc.packWeights(w, W_OFF, cs.o(), cs.c(), cs.kh(), cs.kw(), 1);
            ph = cs.convH() / cs.poolH();
            pw = cs.convW() / cs.poolW();
        }

        int outSize() {
            return cs.n() * ph * pw * cs.o();
        }

        /** The unfused kernels: the whole convolution, then the max pooling. */
        float[] convThenPool() {
            int oh = cs.convH(), ow = cs.convW();
            float[] conv = new float[cs.n() * oh * ow * cs.o()];
            Conv2dNhwc.conv2d(x, X_OFF, cs.n(), cs.h(), cs.w(), cs.c(), nchw, packed, cs.o(), cs.kh(), cs.kw(),
                    bias, BIAS_OFF, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), 1,
                    conv, 0, oh, ow, cs.relu());
            float[] pooled = new float[outSize()];
            Pool2dNhwc.maxPool(conv, 0, cs.n(), oh, ow, cs.o(), cs.poolH(), cs.poolW(), cs.poolH(), cs.poolW(),
                    0, 0, 0, 0, pooled, 0, ph, pw);
            return pooled;
        }

        /** The scalar twins of the unfused kernels (they sum in another order than the vector tiles). */
        float[] scalarConvThenPool() {
            int oh = cs.convH(), ow = cs.convW();
            float[] conv = new float[cs.n() * oh * ow * cs.o()];
            Conv2dNhwcScalar.conv2d(x, X_OFF, cs.n(), cs.h(), cs.w(), cs.c(), nchw, packed.data, cs.o(), cs.kh(),
                    cs.kw(), bias, BIAS_OFF, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.dh(), cs.dw(), conv, 0, oh, ow,
                    cs.relu(), 0, 0);
            float[] pooled = new float[outSize()];
            Pool2dNhwc.pool(false, false, conv, 0, cs.n(), oh, ow, cs.o(), cs.poolH(), cs.poolW(), cs.poolH(),
                    cs.poolW(), 0, 0, 0, 0, pooled, 0, ph, pw, false);
            return pooled;
        }
    }

    private static void check(Case cs, Operands op, String path, int which, float[] expected) {
        float sentinel = -777f;
        int off = Operands.OUT_OFF;
        float[] out = new float[off + op.outSize() + 3];
        java.util.Arrays.fill(out, sentinel);
        switch (which) {
            case 0 -> Conv2dNhwc.conv2dMaxPool(op.x, Operands.X_OFF, cs.n(), cs.h(), cs.w(), cs.c(), op.nchw, op.packed,
                    cs.o(), cs.kh(), cs.kw(), op.bias, Operands.BIAS_OFF, cs.sh(), cs.sw(), cs.pt(), cs.pl(), cs.pb(),
                    cs.pr(), cs.dh(), cs.dw(), 1, out, off, op.ph, op.pw, cs.relu(), cs.poolH(), cs.poolW());
            case 1 -> Conv2dNhwc.conv2dMaxPool(op.x, Operands.X_OFF, cs.n(), cs.h(), cs.w(), cs.c(), op.nchw, op.w,
                    Operands.W_OFF, cs.o(), cs.kh(), cs.kw(), op.bias, Operands.BIAS_OFF, cs.sh(), cs.sw(), cs.pt(),
                    cs.pl(), cs.pb(), cs.pr(), cs.dh(), cs.dw(), 1, out, off, op.ph, op.pw, cs.relu(), cs.poolH(),
                    cs.poolW());
            case 2 -> Conv2dNhwcScalar.conv2d(op.x, Operands.X_OFF, cs.n(), cs.h(), cs.w(), cs.c(), op.nchw,
                    op.packed.data, cs.o(), cs.kh(), cs.kw(), op.bias, Operands.BIAS_OFF, cs.sh(), cs.sw(), cs.pt(),
                    cs.pl(), cs.dh(), cs.dw(), out, off, cs.convH(), cs.convW(), cs.relu(), cs.poolH(), cs.poolW());
            case 3 -> Conv2dNhwcVector.conv2d(op.x, Operands.X_OFF, cs.n(), cs.h(), cs.w(), cs.c(), op.nchw,
                    op.packed.data, cs.o(), cs.kh(), cs.kw(), op.bias, Operands.BIAS_OFF, cs.sh(), cs.sw(), cs.pt(),
                    cs.pl(), cs.dh(), cs.dw(), out, off, cs.convH(), cs.convW(), cs.relu(), cs.poolH(), cs.poolW());
            default -> throw new IllegalArgumentException();
        }
        String where = cs + " [" + path + (op.nchw ? ", nchw x" : "") + ", " + Parallel.threads() + " thread(s)]";
        int nans = 0;
        for (int i = 0; i < expected.length; i++) {
            float ref = expected[i], got = out[off + i];
            boolean ok = Float.isNaN(ref) ? Float.isNaN(got) : Math.abs(got - ref) <= 1e-5 * Math.abs(ref) + 1e-6;
            if (!ok) {
                int o = i % cs.o(), pixel = i / cs.o();
                fail(where + ": out[pixel " + pixel + "][" + o + "] = " + got + ", expected " + ref);
            }
            nans += Float.isNaN(ref) ? 1 : 0;
        }
        if (cs.nan() && nans == 0) {
            fail(where + ": the NaN case has no NaN in the reference, so it tests nothing");
        }
        for (int i = 0; i < off; i++) {
            if (out[i] != sentinel) {
                fail(where + " wrote before the output");
            }
        }
        for (int i = off + op.outSize(); i < out.length; i++) {
            if (out[i] != sentinel) {
                fail(where + " wrote after the output");
            }
        }
    }

    @Test
    void refusesAnOutputThatIsNotThePooledSize() {
        float[] x = new float[2 * 9 * 9 * 4];
        PackedMatrix w = Conv2dNhwc.packWeights(new float[8 * 4 * 9], 0, 8, 4, 3, 3, 1);
        float[] out = new float[2 * 4 * 4 * 8];
        // conv 7x7 pooled 2x2 is 3x3 (floor), not 4x4; a 0 window is no pooling at all.
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Conv2dNhwc.conv2dMaxPool(x, 0, 2, 9, 9, 4, false, w, 8, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1,
                        out, 0, 4, 4, true, 2, 2));
        assertTrue(e.getMessage().contains("pooled by 2x2"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Conv2dNhwc.conv2dMaxPool(x, 0, 2, 9, 9, 4, false, w, 8, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1,
                        out, 0, 7, 7, true, 0, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                () -> Conv2dNhwc.conv2dMaxPool(x, 0, 2, 9, 9, 4, false, w, 8, 3, 3, null, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1,
                        new float[2 * 3 * 3 * 8 - 1], 0, 3, 3, true, 2, 2));
    }

    /** x NHWC or NCHW (the first layer's gather), 2 threads: the bands' scratch is reused, not grown per call. */
    @ParameterizedTest(name = "nchw input {0}, {1} channels")
    @MethodSource("allocationCases")
    void steadyStateCallAllocatesNothingOnTheCaller(boolean nchw, int c) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Parallel.setThreads(2);
        SplittableRandom random = new SplittableRandom(7);
        int size = 14;
        float[] x = GemmTest.random(random, 4 * size * size * c);
        PackedMatrix w = Conv2dNhwc.packWeights(GemmTest.random(random, 64 * c * 9), 0, 64, c, 3, 3, 1);
        float[] bias = GemmTest.random(random, 64);
        float[] out = new float[4 * 6 * 6 * 64];
        Runnable call = () -> Conv2dNhwc.conv2dMaxPool(x, 0, 4, size, size, c, nchw, w, 64, 3, 3, bias, 0, 1, 1,
                0, 0, 0, 0, 1, 1, 1, out, 0, 6, 6, true, 2, 2);
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
        System.out.printf("conv2d max pool (nchw x %b, %d channels): %d bytes in 20 calls after %d warm-ups%n",
                nchw, c, bytes, rounds);
        assertTrue(bytes < 256, "allocated " + bytes + " bytes in 20 calls");
    }

    static Stream<Arguments> allocationCases() {
        return Stream.of(Arguments.of(false, 32), Arguments.of(true, 3), Arguments.of(false, 1));
    }
}
