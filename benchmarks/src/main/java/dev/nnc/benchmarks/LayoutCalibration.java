package dev.nnc.benchmarks;

import dev.nnc.runtime.kernels.Conv2d;
import dev.nnc.runtime.kernels.Conv2dNhwc;
import dev.nnc.runtime.kernels.PackedMatrix;
import dev.nnc.runtime.kernels.Parallel;
import dev.nnc.runtime.kernels.Pool2d;
import dev.nnc.runtime.kernels.Pool2dNhwc;
import dev.nnc.runtime.kernels.Transpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The measurements behind the layout pass's cost model: each convolution of the example models
 * (batch 32) and ResNet-like layers run with the NCHW kernel ({@link Conv2d}) and the NHWC kernel
 * ({@link Conv2dNhwc}), both with prepacked weights, bias and ReLU; 2×2 max pooling in both
 * layouts; the NCHW→NHWC and NHWC→NCHW transposes of each activation; and the NHWC kernel
 * reading an NCHW x itself (its patch gather converting the layout) against reading NHWC.
 *
 * <p>A plain timing loop rather than JMH so that the whole table takes minutes. Every kernel
 * first runs on every shape (as in a model: C2 compiles a kernel differently when it has met
 * one shape only); then each case is warmed up for {@code warm} seconds and timed in 15 rounds of
 * about 60 ms, alternating between the two layouts; the table shows the fastest round's time per
 * call (this machine is shared, and interference only ever slows a round down). Usage:
 * {@code LayoutCalibration [threads] [warm seconds]} (default: all processors, 0.4 s);
 * {@code -Donly=NAME} times only the convolutions whose name contains NAME.
 */
public final class LayoutCalibration {
    private static double warmSeconds = 0.4;

    private LayoutCalibration() {}

    /** One convolution: batch, channels, size, output channels, square kernel, stride, padding. */
    record Conv(String name, int n, int c, int h, int w, int o, int k, int s, int p) {
        int oh() { return Conv2d.outputSize(h, k, s, p, p, 1); }

        int ow() { return Conv2d.outputSize(w, k, s, p, p, 1); }

        double flops() { return 2.0 * n * o * oh() * ow() * c * k * k; }
    }

    static final List<Conv> CONVS = List.of(
            new Conv("mnist conv1", 32, 1, 28, 28, 32, 3, 1, 0),
            new Conv("mnist conv2", 32, 32, 13, 13, 64, 3, 1, 0),
            new Conv("mnist conv3", 32, 64, 5, 5, 64, 3, 1, 0),
            new Conv("cifar conv1", 32, 3, 32, 32, 32, 3, 1, 0),
            new Conv("cifar conv2", 32, 32, 15, 15, 64, 3, 1, 0),
            new Conv("cifar conv3", 32, 64, 6, 6, 64, 3, 1, 0),
            new Conv("catsdogs conv1", 32, 3, 150, 150, 32, 3, 1, 0),
            new Conv("catsdogs conv2", 32, 32, 74, 74, 64, 3, 1, 0),
            new Conv("catsdogs conv3", 32, 64, 36, 36, 128, 3, 1, 0),
            new Conv("resnet stem 7x7/2", 1, 3, 224, 224, 64, 7, 2, 3),
            new Conv("resnet 3x3 @56", 1, 64, 56, 56, 64, 3, 1, 1),
            new Conv("resnet 3x3 @28", 1, 128, 28, 28, 128, 3, 1, 1),
            new Conv("resnet 3x3 @14", 1, 256, 14, 14, 256, 3, 1, 1),
            new Conv("resnet 3x3 @7", 1, 512, 7, 7, 512, 3, 1, 1),
            new Conv("resnet 3x3/2 @56->28", 1, 128, 56, 56, 128, 3, 2, 1),
            new Conv("resnet 1x1 256->64 @56", 1, 256, 56, 56, 64, 1, 1, 0),
            new Conv("resnet 1x1 64->256 @56", 1, 64, 56, 56, 256, 1, 1, 0),
            new Conv("resnet 1x1 1024->256 @14", 1, 1024, 14, 14, 256, 1, 1, 0),
            new Conv("resnet 1x1 512->2048 @7", 1, 512, 7, 7, 2048, 1, 1, 0),
            new Conv("resnet batch 8 3x3 @14", 8, 256, 14, 14, 256, 3, 1, 1),
            new Conv("resnet batch 8 3x3 @7", 8, 512, 7, 7, 512, 3, 1, 1),
            new Conv("resnet batch 8 1x1 256->64 @56", 8, 256, 56, 56, 64, 1, 1, 0));

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        if (args.length > 1) warmSeconds = Double.parseDouble(args[1]);
        Parallel.setThreads(threads);
        String only = System.getProperty("only");
        System.out.printf("threads %d%n", threads);
        // Every kernel first runs on every shape, as in a model: a kernel compiled for the first
        // shape it met alone can run it at a very different speed (mnist conv1 NCHW: 290 or 900 us).
        double warm = warmSeconds;
        warmSeconds = 0.05;
        for (Conv cv : CONVS) conv(cv, false);
        for (Conv cv : CONVS) fused(cv, false);
        pools(false);
        warmSeconds = warm;
        System.out.printf("%-32s %10s %10s %8s %8s %7s %10s %10s%n", "convolution", "nchw_us", "nhwc_us", "nchw_GF",
                "nhwc_GF", "ratio", "to_nhwc_us", "to_nchw_us");
        for (Conv cv : CONVS) {
            if (only != null && !cv.name().contains(only)) continue;
            conv(cv, true);
        }
        System.out.printf("%n%-32s %10s %10s %7s%n", "2x2/2 max pool", "nchw_us", "nhwc_us", "ratio");
        pools(true);
        System.out.printf("%n%-32s %10s %10s %7s%n", "NHWC conv, x layout", "nhwc_x_us", "nchw_x_us", "ratio");
        for (Conv cv : CONVS) {
            if (only != null && !cv.name().contains(only)) continue;
            fused(cv, true);
        }
    }

    /** The NHWC convolution with x in NHWC, then with the same x read as NCHW (the fused conversion). */
    private static void fused(Conv cv, boolean print) {
        SplittableRandom random = new SplittableRandom(11);
        float[] x = GemmBenchmark.random(random, cv.n() * cv.c() * cv.h() * cv.w());
        float[] w = GemmBenchmark.random(random, cv.o() * cv.c() * cv.k() * cv.k());
        float[] bias = GemmBenchmark.random(random, cv.o());
        int oh = cv.oh(), ow = cv.ow();
        float[] out = new float[cv.n() * cv.o() * oh * ow];
        PackedMatrix nhwc = Conv2dNhwc.packWeights(w, 0, cv.o(), cv.c(), cv.k(), cv.k(), 1);
        int s = cv.s(), p = cv.p();
        double[] t = time(() -> Conv2dNhwc.conv2d(x, 0, cv.n(), cv.h(), cv.w(), cv.c(), false, nhwc, cv.o(), cv.k(), cv.k(),
                bias, 0, s, s, p, p, p, p, 1, 1, 1, out, 0, oh, ow, true),
                () -> Conv2dNhwc.conv2d(x, 0, cv.n(), cv.h(), cv.w(), cv.c(), true, nhwc, cv.o(), cv.k(), cv.k(),
                bias, 0, s, s, p, p, p, p, 1, 1, 1, out, 0, oh, ow, true));
        if (print) System.out.printf("%-32s %10.1f %10.1f %7.2f%n", cv.name(), t[0] * 1e6, t[1] * 1e6, t[1] / t[0]);
    }

    private static void pools(boolean print) {
        pool("mnist pool1 32x32x26x26", 32, 32, 26, 26, print);
        pool("mnist pool2 32x64x11x11", 32, 64, 11, 11, print);
        pool("cifar pool1 32x32x30x30", 32, 32, 30, 30, print);
        pool("catsdogs pool1 32x32x148x148", 32, 32, 148, 148, print);
        pool("catsdogs pool2 32x64x72x72", 32, 64, 72, 72, print);
        pool("catsdogs pool3 32x128x34x34", 32, 128, 34, 34, print);
    }

    private static void conv(Conv cv, boolean print) {
        SplittableRandom random = new SplittableRandom(11);
        float[] x = GemmBenchmark.random(random, cv.n() * cv.c() * cv.h() * cv.w());
        float[] w = GemmBenchmark.random(random, cv.o() * cv.c() * cv.k() * cv.k());
        float[] bias = GemmBenchmark.random(random, cv.o());
        int oh = cv.oh(), ow = cv.ow();
        float[] out = new float[cv.n() * cv.o() * oh * ow];
        PackedMatrix nchw = Conv2d.packWeights(w, 0, cv.o(), cv.c(), cv.k(), cv.k(), 1);
        PackedMatrix nhwc = Conv2dNhwc.packWeights(w, 0, cv.o(), cv.c(), cv.k(), cv.k(), 1);
        int s = cv.s(), p = cv.p();
        double[] t = time(() -> Conv2d.conv2d(x, 0, cv.n(), cv.c(), cv.h(), cv.w(), nchw, cv.o(), cv.k(), cv.k(),
                bias, 0, s, s, p, p, p, p, 1, 1, 1, out, 0, oh, ow, true),
                () -> Conv2dNhwc.conv2d(x, 0, cv.n(), cv.h(), cv.w(), cv.c(), nhwc, cv.o(), cv.k(), cv.k(),
                bias, 0, s, s, p, p, p, p, 1, 1, 1, out, 0, oh, ow, true));
        double tNchw = t[0], tNhwc = t[1];
        float[] xt = new float[x.length];
        int[] inShape = {cv.n(), cv.c(), cv.h(), cv.w()};
        int[] outShapeNhwc = {cv.n(), oh, ow, cv.o()};
        float[] outT = new float[out.length];
        double[] tt = time(() -> Transpose.transpose(x, 0, inShape, new int[] {0, 2, 3, 1}, xt, 0),
                () -> Transpose.transpose(out, 0, outShapeNhwc, new int[] {0, 3, 1, 2}, outT, 0));
        double tIn = tt[0], tOut = tt[1];
        if (print) System.out.printf("%-32s %10.1f %10.1f %8.1f %8.1f %7.2f %10.1f %10.1f%n", cv.name(), tNchw * 1e6, tNhwc * 1e6,
                cv.flops() / tNchw / 1e9, cv.flops() / tNhwc / 1e9, tNchw / tNhwc, tIn * 1e6, tOut * 1e6);
    }

    private static void pool(String name, int n, int c, int h, int w, boolean print) {
        SplittableRandom random = new SplittableRandom(3);
        float[] x = GemmBenchmark.random(random, n * c * h * w);
        float[] out = new float[n * c * (h / 2) * (w / 2)];
        double[] t = time(() -> Pool2d.maxPool(x, 0, n, c, h, w, 2, 2, 2, 2, 0, 0, 0, 0, out, 0, h / 2, w / 2),
                () -> Pool2dNhwc.maxPool(x, 0, n, h, w, c, 2, 2, 2, 2, 0, 0, 0, 0, out, 0, h / 2, w / 2));
        double tNchw = t[0], tNhwc = t[1];
        if (print) System.out.printf("%-32s %10.1f %10.1f %7.2f%n", name, tNchw * 1e6, tNhwc * 1e6, tNchw / tNhwc);
    }

    /**
     * Seconds per call of each runnable in its fastest of 15 rounds (about 60 ms each), after
     * warming both up; the rounds alternate between the two so that both see the same machine.
     */
    static double[] time(Runnable a, Runnable b) {
        Runnable[] calls = {a, b};
        int[] reps = new int[2];
        for (int i = 0; i < 2; i++) {
            long end = System.nanoTime() + (long) (warmSeconds * 1e9);
            int n = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                calls[i].run();
                n++;
            }
            double perCall = (System.nanoTime() - t0) / 1e9 / Math.max(n, 1);
            reps[i] = (int) Math.max(1, 0.06 / perCall);
        }
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < 15; r++) {
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                for (int j = 0; j < reps[i]; j++) {
                    calls[i].run();
                }
                best[i] = Math.min(best[i], (System.nanoTime() - start) / 1e9 / reps[i]);
            }
        }
        return best;
    }

    static List<Conv> convs() { return new ArrayList<>(CONVS); }
}
