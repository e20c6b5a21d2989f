package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Convolutions on the native backend against the JVM backend. Each program holds many
 * convolutions of one input (one output each), so that one compilation checks a whole family
 * of attribute combinations; each runs at batch 1 and 3 of a symbolic batch.
 */
class Conv2dCodegenTest {

    /** Kernel sizes 1, 3, 5 and non-square, strides, [top, left, bottom, right] paddings and dilations, mixed. */
    private static final List<Window> WINDOWS = List.of(
            new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1),
            new Window(1, 1, 2, 2, 0, 0, 0, 0, 1, 1),
            new Window(1, 1, 1, 1, 1, 0, 0, 1, 1, 1),
            new Window(3, 3, 1, 1, 0, 0, 0, 0, 1, 1),
            new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            new Window(3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
            new Window(3, 3, 2, 1, 0, 1, 2, 0, 1, 1),
            new Window(3, 3, 1, 1, 2, 2, 2, 2, 2, 2),
            new Window(3, 3, 1, 2, 1, 0, 0, 2, 2, 1),
            new Window(5, 5, 1, 1, 2, 2, 2, 2, 1, 1),
            new Window(5, 5, 3, 3, 0, 1, 2, 0, 1, 1),
            new Window(2, 3, 1, 1, 0, 1, 1, 1, 1, 1),
            new Window(3, 2, 2, 1, 1, 0, 0, 0, 1, 3),
            new Window(1, 5, 1, 1, 0, 2, 0, 2, 1, 1));

    @Test
    void everyWindowChannelsFirst() {
        checkWindows(Layouts.NCHW, 3, 4);
    }

    @Test
    void everyWindowChannelsLast() {
        checkWindows(Layouts.NHWC, 3, 5);
    }

    @Test
    void everyWindowChannelsFirstInputChannelsLastOutput() {
        checkWindows(Layouts.NCHW_INPUT_NHWC, 3, 6);
    }

    /** Output rows at least a tile wide: channels-first tiles follow the rows (a partial tile at each row's end). */
    @Test
    void wideRowsChannelsFirst() {
        Program p = new Program(Layouts.NCHW, 4, 6, 45);
        for (Window w : WINDOWS) p.conv(13, w, 1, true, "relu");
        p.conv(4, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 4, true, "residual");
        p.check(7);
    }

    @Test
    void channelCountsChannelsFirst() {
        checkChannels(Layouts.NCHW);
    }

    @Test
    void channelCountsChannelsLast() {
        checkChannels(Layouts.NHWC);
    }

    @Test
    void channelCountsChannelsFirstInputChannelsLastOutput() {
        checkChannels(Layouts.NCHW_INPUT_NHWC);
    }

    @Test
    void groupsAndDepthwiseChannelsFirst() {
        Program p = new Program(Layouts.NCHW, 16, 11, 9);
        p.conv(16, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2, true, "relu");
        p.conv(34, new Window(3, 3, 2, 2, 0, 1, 1, 0, 1, 1), 2, false, "none");
        p.conv(16, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 16, true, "none");
        p.conv(32, new Window(5, 5, 2, 2, 2, 2, 2, 2, 1, 1), 16, true, "relu");
        p.conv(48, new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 4, true, "relu");
        p.check(8);
    }

    /**
     * Grouped and depthwise channels-last convolutions, which the JVM backend does not take,
     * against the JVM running the channels-first convolution between two transposes.
     */
    @Test
    void groupsAndDepthwiseChannelsLast() {
        int c = 12, h = 7, w = 9;
        Window same = new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Window strided = new Window(3, 3, 2, 2, 1, 0, 1, 1, 1, 1);
        Window pointwise = new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1);
        Object[][] cases = {{12, same, 2, "relu"}, {12, strided, 12, "none"}, {24, pointwise, 4, "relu"}, {36, same, 3, "none"}};
        long seed = 40;
        for (Object[] k : cases) {
            int out = (Integer) k[0], groups = (Integer) k[2];
            Window win = (Window) k[1];
            String epilogue = k[3].equals("relu") ? " epilogue() = relu(%0)" : "";
            String attributes = " {" + win.attributes(groups) + ", layout=";
            int oh = win.outH(h), ow = win.outW(w);
            String x = "f32[B," + h + "," + w + "," + c + "]", xt = "f32[B," + c + "," + h + "," + w + "]";
            String y = "f32[B," + oh + "," + ow + "," + out + "]", yt = "f32[B," + out + "," + oh + "," + ow + "]";
            String wt = "f32[" + out + "," + c / groups + "," + win.kh() + "," + win.kw() + "]";
            String decls = "  input x : " + x + "\n  weight w : " + wt + "\n  weight b : f32[" + out + "]\n  output y : " + y + "\n";
            String weights = ", w:w : " + wt + ", w:b : f32[" + out + "])";
            String channelsLast = "kernels Grouped {\n" + decls + "  arena 0\n"
                    + "  conv2d(in:x : " + x + weights + " -> out:y : " + y + attributes + "nhwc}" + epilogue + "\n}\n";
            String t1 = "arena:t1@B*" + c * h * w + " : " + yt;
            String reference = "kernels Grouped {\n" + decls + "  arena B*" + (c * h * w + out * oh * ow) + "\n"
                    + "  transpose(in:x : " + x + ") -> arena:t0@0 : " + xt + " {perm=[0,3,1,2]}\n"
                    + "  conv2d(arena:t0@0 : " + xt + weights + " -> " + t1 + attributes + "nchw}" + epilogue + "\n"
                    + "  transpose(" + t1 + ") -> out:y : " + y + " {perm=[0,2,3,1]}\n}\n";
            for (int batch : new int[] {1, 3}) checkAgainst(channelsLast, reference, batch, seed++);
        }
    }

    /** Epilogues beyond bias and ReLU run on a unit's output rows once they are done: a function, a residual, a channel scale. */
    @Test
    void otherEpiloguesOnFinishedRows() {
        for (Layouts layouts : Layouts.values()) {
            Program p = new Program(layouts, 3, 9, 11);
            p.conv(17, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, true, "sigmoid");
            p.conv(5, new Window(3, 3, 2, 2, 1, 0, 1, 1, 1, 1), 1, false, "residual");
            p.conv(33, new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 1, true, "scale");
            p.conv(12, new Window(5, 5, 1, 1, 2, 2, 2, 2, 1, 1), 1, true, "residual");
            p.check(30 + layouts.ordinal());
        }
        Program grouped = new Program(Layouts.NCHW, 8, 7, 6);
        grouped.conv(8, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 8, true, "residual");
        grouped.conv(4, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2, false, "scale");
        grouped.check(33);
    }

    /**
     * Depth blocks: patches deeper than a stack panel accumulate block by block in the output.
     * A 7x7 window over a 2x2 image keeps the depth large (40 * 49 steps) and the sums short
     * (most taps are padding), so that f32 rounding stays within the comparison's tolerance.
     */
    @Test
    void deepConvolutionsAccumulateInBlocks() {
        for (Layouts layouts : Layouts.values()) {
            Program p = new Program(layouts, 40, 2, 2);
            p.conv(20, new Window(7, 7, 1, 1, 3, 3, 3, 3, 1, 1), 1, true, "relu");
            p.conv(19, new Window(7, 7, 1, 1, 3, 3, 3, 3, 1, 1), 1, false, "none");
            p.check(9 + layouts.ordinal());
        }
    }

    /** Pointwise channels-last convolutions read x in place, except in a short last tile. */
    @Test
    void pointwiseChannelsLastReadsTheInputInPlace() {
        Program p = new Program(Layouts.NHWC, 17, 5, 7);
        p.conv(33, new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 1, true, "relu");
        p.conv(64, new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 1, false, "none");
        p.conv(3, new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 1, true, "none");
        p.check(12);
    }

    /** Weights computed at run time (here: an input) are read in place, not packed at load time. */
    @Test
    void weightsGivenAtRunTime() {
        for (Layouts layouts : Layouts.values()) {
            Program p = new Program(layouts, 5, 7, 6);
            p.runTimeWeights = true;
            p.conv(17, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, true, "relu");
            p.conv(3, new Window(3, 2, 2, 1, 0, 1, 1, 0, 1, 1), 1, false, "none");
            p.check(13 + layouts.ordinal());
        }
    }

    /** The example CNNs' convolutions, at their sizes (first layers read NCHW or one channel). */
    @Test
    void exampleNetworkLayers() {
        Program first = new Program(Layouts.NCHW_INPUT_NHWC, 3, 32, 32);
        first.conv(32, new Window(3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 1, true, "relu");
        first.check(16);
        Program mnist = new Program(Layouts.NHWC, 1, 28, 28);
        mnist.conv(32, new Window(3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 1, true, "relu");
        mnist.check(17);
        Program middle = new Program(Layouts.NHWC, 32, 13, 13);
        middle.conv(64, new Window(3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 1, true, "relu");
        middle.check(18);
    }

    /** Runs {@code kir} on the native backend and {@code reference} (same declarations) on the JVM backend, and compares outputs. */
    private static void checkAgainst(String kir, String reference, int batch, long seed) {
        KernelProgram p = KernelParser.parse(kir), ref = KernelParser.parse(reference);
        Random rng = new Random(seed);
        Map<String, Long> bindings = Map.of("B", (long) batch);
        Map<String, Tensor> weights = new HashMap<>(), inputs = new HashMap<>();
        for (Buf w : ref.weights()) weights.put(w.name(), Differential.random(w, bindings, rng, 0));
        for (Buf in : ref.inputs()) inputs.put(in.name(), Differential.random(in, bindings, rng, 0));
        Map<String, Tensor> expected = ModelLoader.instantiate(JvmBackend.compile(ref, "Ref"), weights).run(inputs);
        try (NativeModel m = NativeBackend.load(p, weights)) {
            Tensor actual = m.run(inputs).get("y"), want = expected.get("y");
            for (int i = 0; i < want.size(); i++) {
                double a = actual.getDouble(i), e = want.getDouble(i);
                assertTrue(Math.abs(a - e) <= Differential.REL * Math.abs(e) + Differential.ABS,
                        "element " + i + ": jvm " + e + ", native " + a + " (batch " + batch + ")\n" + kir);
            }
        }
    }

    private static void checkWindows(Layouts layouts, int channels, long seed) {
        Program p = new Program(layouts, channels, 11, 10);
        boolean bias = true;
        for (Window w : WINDOWS) {
            p.conv(5, w, 1, bias, bias ? "relu" : "none");
            bias = !bias;
        }
        p.check(seed);
    }

    private static void checkChannels(Layouts layouts) {
        int[] counts = {1, 3, 16, 17, 64};
        for (int c : counts) {
            Program p = new Program(layouts, c, 7, 9);
            for (int o : counts) {
                p.conv(o, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1, true, "relu");
                p.conv(o, new Window(2, 2, 2, 2, 0, 0, 0, 0, 1, 1), 1, false, "none");
            }
            p.check(20 + c);
        }
    }

    /** Input and output layouts of a convolution. */
    enum Layouts {
        NCHW, NHWC, NCHW_INPUT_NHWC;

        boolean nhwcInput() { return this == NHWC; }

        boolean nhwcOutput() { return this != NCHW; }

        String attribute() {
            return switch (this) {
                case NCHW -> "layout=nchw";
                case NHWC -> "layout=nhwc";
                case NCHW_INPUT_NHWC -> "layout=nhwc, input_layout=nchw";
            };
        }
    }

    /** Kernel size, stride, padding [top, left, bottom, right] and dilation. */
    record Window(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw) {
        int outH(int h) { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }

        int outW(int w) { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }

        String attributes(int groups) {
            return String.format(Locale.ROOT, "stride=[%d,%d], padding=[%d,%d,%d,%d], dilation=[%d,%d], groups=%d",
                    sh, sw, pt, pl, pb, pr, dh, dw, groups);
        }
    }

    /** A kernel program of convolutions of one input x, in text form. */
    static final class Program {
        private final Layouts layouts;
        private final int channels, h, w;
        private final List<String> decls = new ArrayList<>(), kernels = new ArrayList<>();
        boolean runTimeWeights;

        Program(Layouts layouts, int channels, int h, int w) {
            this.layouts = layouts;
            this.channels = channels;
            this.h = h;
            this.w = w;
        }

        /** Adds a convolution; epilogue is none, relu, sigmoid, residual (relu of a residual add) or scale (per channel). */
        void conv(int out, Window win, int groups, boolean bias, String epilogue) {
            int i = kernels.size();
            String x = "in:x : f32" + shape(layouts.nhwcInput(), channels, h, w);
            String wType = "f32[" + out + "," + channels / groups + "," + win.kh() + "," + win.kw() + "]";
            String yType = "f32" + shape(layouts.nhwcOutput(), out, win.outH(h), win.outW(w));
            decls.add((runTimeWeights ? "input" : "weight") + " w" + i + " : " + wType);
            String ins = x + ", " + (runTimeWeights ? "in" : "w") + ":w" + i + " : " + wType;
            if (bias) {
                decls.add("weight b" + i + " : f32[" + out + "]");
                ins += ", w:b" + i + " : f32[" + out + "]";
            }
            decls.add("output y" + i + " : " + yType);
            String tail = switch (epilogue) {
                case "none" -> "";
                case "relu", "sigmoid" -> " epilogue() = " + epilogue + "(%0)";
                case "residual" -> {
                    decls.add("input r" + i + " : " + yType);
                    yield " epilogue(in:r" + i + " : " + yType + ") = relu(add(%0, %1))";
                }
                case "scale" -> {
                    String sType = layouts.nhwcOutput() ? "f32[" + out + "]" : "f32[" + out + ",1,1]";
                    decls.add("weight s" + i + " : " + sType);
                    yield " epilogue(w:s" + i + " : " + sType + ") = mul(%0, %1)";
                }
                default -> throw new IllegalArgumentException(epilogue);
            };
            kernels.add("conv2d(" + ins + ") -> out:y" + i + " : " + yType + " {" + win.attributes(groups) + ", "
                    + layouts.attribute() + "}" + tail);
        }

        void check(long seed) {
            StringBuilder s = new StringBuilder("kernels Conv {\n");
            s.append("  input x : f32").append(shape(layouts.nhwcInput(), channels, h, w)).append('\n');
            for (String d : decls) s.append("  ").append(d).append('\n');
            s.append("  arena 0\n");
            for (String k : kernels) s.append("  ").append(k).append('\n');
            s.append("}\n");
            for (int batch : new int[] {1, 3}) Differential.check(s.toString(), batch, seed);
        }

        private static String shape(boolean nhwc, int c, int h, int w) {
            return nhwc ? "[B," + h + "," + w + "," + c + "]" : "[B," + c + "," + h + "," + w + "]";
        }
    }
}
