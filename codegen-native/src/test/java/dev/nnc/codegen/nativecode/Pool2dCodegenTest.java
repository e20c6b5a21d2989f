package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Max and average pooling on the native backend against the JVM backend: every window of
 * {@link #WINDOWS} in both layouts, both kinds and both divisor rules, odd channel counts and
 * widths wider than a vector, at batch 1 and 3 of a symbolic batch.
 */
class Pool2dCodegenTest {

    /** Kernel, stride and padding [top, left, bottom, right] (at most half the kernel, as the verifier asks). */
    private static final List<Window> WINDOWS = List.of(
            new Window(2, 2, 2, 2, 0, 0, 0, 0),
            new Window(3, 3, 2, 2, 1, 1, 1, 1),
            new Window(3, 3, 1, 1, 1, 1, 1, 1),
            new Window(3, 2, 1, 2, 1, 0, 1, 1),
            new Window(5, 5, 3, 3, 2, 2, 0, 1),
            new Window(1, 1, 1, 1, 0, 0, 0, 0),
            new Window(2, 3, 1, 3, 1, 1, 0, 0),
            new Window(4, 4, 4, 4, 0, 0, 0, 0));

    @Test
    void channelsFirstWindows() {
        for (int channels : new int[] {1, 3}) checkWindows(false, channels, 9, 37, 40 + channels);
    }

    @Test
    void channelsLastWindows() {
        for (int channels : new int[] {1, 3, 16, 17, 64}) checkWindows(true, channels, 9, 11, 50 + channels);
    }

    /** The example CNNs' 2x2 pooling at one of their sizes. */
    @Test
    void exampleNetworkPooling() {
        Program p = new Program(true, 32, 26, 26);
        p.pool("max", new Window(2, 2, 2, 2, 0, 0, 0, 0), false);
        p.check(60);
        Program odd = new Program(true, 64, 13, 13);
        odd.pool("max", new Window(2, 2, 2, 2, 0, 0, 0, 0), false);
        odd.check(61);
    }

    private static void checkWindows(boolean nhwc, int channels, int h, int w, long seed) {
        Program p = new Program(nhwc, channels, h, w);
        for (Window win : WINDOWS) {
            p.pool("max", win, false);
            p.pool("avg", win, false);
            p.pool("avg", win, true);
        }
        p.check(seed);
    }

    record Window(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr) {
        int outH(int h) { return (h + pt + pb - kh) / sh + 1; }

        int outW(int w) { return (w + pl + pr - kw) / sw + 1; }
    }

    /** A kernel program of poolings of one input x, in text form. */
    static final class Program {
        private final boolean nhwc;
        private final int channels, h, w;
        private final List<String> outputs = new ArrayList<>(), kernels = new ArrayList<>();

        Program(boolean nhwc, int channels, int h, int w) {
            this.nhwc = nhwc;
            this.channels = channels;
            this.h = h;
            this.w = w;
        }

        void pool(String kind, Window win, boolean countIncludePad) {
            int i = kernels.size();
            String type = "f32" + shape(win.outH(h), win.outW(w));
            outputs.add("output y" + i + " : " + type);
            kernels.add(String.format(Locale.ROOT,
                    "%s_pool2d(in:x : f32%s) -> out:y%d : %s {kernel=[%d,%d], stride=[%d,%d], padding=[%d,%d,%d,%d], countIncludePad=%b, layout=%s}",
                    kind, shape(h, w), i, type, win.kh(), win.kw(), win.sh(), win.sw(), win.pt(), win.pl(), win.pb(), win.pr(),
                    countIncludePad, nhwc ? "nhwc" : "nchw"));
        }

        void check(long seed) {
            StringBuilder s = new StringBuilder("kernels Pool {\n");
            s.append("  input x : f32").append(shape(h, w)).append('\n');
            for (String o : outputs) s.append("  ").append(o).append('\n');
            s.append("  arena 0\n");
            for (String k : kernels) s.append("  ").append(k).append('\n');
            s.append("}\n");
            for (int batch : new int[] {1, 3}) Differential.check(s.toString(), batch, seed);
        }

        private String shape(int height, int width) {
            return nhwc ? "[B," + height + "," + width + "," + channels + "]" : "[B," + channels + "," + height + "," + width + "]";
        }
    }
}
