package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Convolutions with a fused max pooling ({@code pool=[kh,kw]}) on the native backend against
 * the same convolution unfused: into an arena buffer, then a channels-last max pooling of
 * stride = window, in the same program with the same weights. Both run the same micro-kernel
 * with the same summation order, so they agree to |fused - unfused| <= 1e-5 * |unfused| + 1e-6
 * per element (NaN where both are NaN).
 */
class PooledConv2dCodegenTest {
    private static final double REL = 1e-5, ABS = 1e-6;
    private static final int[] CHANNELS = {1, 3, 5, 16, 32, 40}, OUT_CHANNELS = {1, 7, 16, 32, 48, 64, 130};
    private static final int[][] POOLS = {{2, 2}, {3, 3}, {2, 1}, {1, 1}};

    /** Random convolutions: batch 1 to 3 (symbolic or a number), both input layouts, every channel count, window and pool above. */
    @Test
    void randomConvolutionsMatchConvThenPool() {
        Random rng = new Random(20261124);
        for (int i = 0; i < 40; i++) {
            Case c = Case.random(rng);
            c.check(1000 + i);
        }
    }

    /** Deep patches (256 channels x 3x3) need several depth blocks: partial sums go to the scratch and back. */
    @Test
    void deepConvolutionAccumulatesInTheScratch() {
        new Case(2, false, true, 256, 9, 8, 20, 3, 1, 1, 1, new int[] {2, 2}, true).check(1);
        new Case(1, true, false, 256, 7, 7, 9, 3, 1, 1, 2, new int[] {2, 2}, false).check(2);
    }

    /** Rows too wide for the scratch split in column segments; a window of 2048 channels alone passes 64 KiB. */
    @Test
    void wideRowsAndManyChannelsSplitTheScratch() {
        new Case(2, true, true, 3, 6, 61, 130, 3, 1, 1, 1, new int[] {3, 3}, true).check(3);
        new Case(1, false, true, 5, 4, 50, 64, 1, 1, 0, 1, new int[] {2, 2}, false).check(4);
        new Case(2, true, true, 4, 7, 7, 2048, 1, 1, 0, 1, new int[] {3, 3}, true).check(5);
    }

    /** The example CNNs' pooled layers at their sizes (mnist_cnn's second is 11x11 pooled to 5x5: floor mode). */
    @Test
    void exampleNetworkLayers() {
        new Case(3, false, true, 3, 32, 32, 32, 3, 1, 0, 1, new int[] {2, 2}, true).check(6);
        new Case(2, true, true, 1, 28, 28, 32, 3, 1, 0, 1, new int[] {2, 2}, true).check(7);
        new Case(1, true, true, 32, 13, 13, 64, 3, 1, 0, 1, new int[] {2, 2}, true).check(8);
    }

    /** A NaN in x reaches the fused max as it reaches the max pooling kernel: both propagate it. */
    @Test
    void nanPropagatesAsInTheMaxPooling() {
        Case c = new Case(1, true, true, 3, 9, 9, 16, 3, 1, 1, 1, new int[] {2, 2}, true);
        c.nanAt = 40;
        c.check(9);
    }

    /**
     * One pooled convolution and its unfused reference. {@code symbolicBatch}: the batch is B,
     * else the number {@code batch}; padding is the same on every side.
     */
    private static final class Case {
        final int batch, c, h, w, o, k, stride, pad, dilation;
        final boolean nhwcInput, symbolicBatch, relu;
        final int[] pool;
        int nanAt = -1;

        Case(int batch, boolean nhwcInput, boolean symbolicBatch, int c, int h, int w, int o, int k, int stride, int pad,
             int dilation, int[] pool, boolean relu) {
            this.batch = batch;
            this.nhwcInput = nhwcInput;
            this.symbolicBatch = symbolicBatch;
            this.c = c;
            this.h = h;
            this.w = w;
            this.o = o;
            this.k = k;
            this.stride = stride;
            this.pad = pad;
            this.dilation = dilation;
            this.pool = pool;
            this.relu = relu;
        }

        static Case random(Random rng) {
            while (true) {
                int[] pool = POOLS[rng.nextInt(POOLS.length)];
                Case c = new Case(1 + rng.nextInt(3), rng.nextBoolean(), rng.nextBoolean(), CHANNELS[rng.nextInt(CHANNELS.length)],
                        2 + rng.nextInt(14), 2 + rng.nextInt(14), OUT_CHANNELS[rng.nextInt(OUT_CHANNELS.length)], 1 + rng.nextInt(3),
                        1 + rng.nextInt(2), rng.nextInt(2), 1 + rng.nextInt(2), pool, rng.nextBoolean());
                if (c.convH() >= pool[0] && c.convW() >= pool[1]) return c;
            }
        }

        int convH() { return Math.floorDiv(h + 2 * pad - dilation * (k - 1) - 1, stride) + 1; }

        int convW() { return Math.floorDiv(w + 2 * pad - dilation * (k - 1) - 1, stride) + 1; }

        String kir() {
            String n = symbolicBatch ? "B" : Integer.toString(batch);
            String x = nhwcInput ? "f32[" + n + "," + h + "," + w + "," + c + "]" : "f32[" + n + "," + c + "," + h + "," + w + "]";
            String wt = "f32[" + o + "," + c + "," + k + "," + k + "]", bt = "f32[" + o + "]";
            int ph = convH() / pool[0], pw = convW() / pool[1];
            String y = "f32[" + n + "," + ph + "," + pw + "," + o + "]";
            String conv = "f32[" + n + "," + convH() + "," + convW() + "," + o + "]";
            String attributes = String.format(Locale.ROOT, "stride=[%d,%d], padding=[%d,%d,%d,%d], dilation=[%d,%d], groups=1, layout=nhwc%s",
                    stride, stride, pad, pad, pad, pad, dilation, dilation, nhwcInput ? "" : ", input_layout=nchw");
            String epilogue = relu ? " epilogue() = relu(%0)" : "";
            String ins = "in:x : " + x + ", w:w : " + wt + ", w:b : " + bt;
            String arenaSize = (symbolicBatch ? "B*" : "") + (long) (symbolicBatch ? 1 : batch) * convH() * convW() * o;
            return "kernels Pooled {\n"
                    + "  input x : " + x + "\n  weight w : " + wt + "\n  weight b : " + bt + "\n"
                    + "  output y : " + y + "\n  output z : " + y + "\n"
                    + "  arena " + arenaSize + "\n"
                    + "  conv2d(" + ins + ") -> out:y : " + y + " {" + attributes + ", pool=[" + pool[0] + "," + pool[1] + "]}" + epilogue + "\n"
                    + "  conv2d(" + ins + ") -> arena:t0@0 : " + conv + " {" + attributes + "}" + epilogue + "\n"
                    + String.format(Locale.ROOT, "  max_pool2d(arena:t0@0 : %s) -> out:z : %s {kernel=[%d,%d], stride=[%d,%d], "
                            + "padding=[0,0,0,0], countIncludePad=false, layout=nhwc}\n", conv, y, pool[0], pool[1], pool[0], pool[1])
                    + "}\n";
        }

        void check(long seed) {
            String kir = kir();
            KernelProgram p = KernelParser.parse(kir);
            KernelVerifier.verify(p);
            Random rng = new Random(seed);
            Map<String, Long> bindings = Map.of("B", (long) batch);
            Map<String, Tensor> weights = new HashMap<>(), inputs = new HashMap<>();
            for (Buf b : p.weights()) weights.put(b.name(), Differential.random(b, bindings, rng, 0));
            Tensor x = Differential.random(p.inputs().getFirst(), bindings, rng, 0);
            if (nanAt >= 0) x = withNaN(x, nanAt);
            inputs.put("x", x);
            try (NativeModel m = NativeBackend.load(p, weights)) {
                Map<String, Tensor> out = m.run(inputs);
                Tensor fused = out.get("y"), unfused = out.get("z");
                assertArrayEquals(unfused.shape(), fused.shape());
                int nans = 0;
                for (int i = 0; i < fused.size(); i++) {
                    double a = fused.getDouble(i), e = unfused.getDouble(i);
                    if (Double.isNaN(a) && Double.isNaN(e)) {
                        nans++;
                        continue;
                    }
                    if (!(Math.abs(a - e) <= REL * Math.abs(e) + ABS)) {
                        fail("element " + i + ": unfused " + e + ", fused " + a + " (batch " + batch + ")\n" + kir);
                    }
                }
                if (nanAt >= 0) assertTrue(nans > 0, "the NaN reached no output");
            }
        }

        private static Tensor withNaN(Tensor x, int at) {
            float[] data = new float[x.size()];
            for (int i = 0; i < data.length; i++) data[i] = (float) x.getDouble(i);
            data[at] = Float.NaN;
            return Tensor.ofFloats(DType.F32, x.shape(), data);
        }
    }
}
