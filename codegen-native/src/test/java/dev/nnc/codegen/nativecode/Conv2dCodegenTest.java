package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
            String tail = epilogue.equals("none") ? "" : " epilogue() = " + epilogue + "(%0)";
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
