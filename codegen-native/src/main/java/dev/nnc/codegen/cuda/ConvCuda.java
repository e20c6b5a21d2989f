package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * Convolution as an implicit GEMM on {@link GemmTiles}, one GEMM per group (blockIdx.z): rows
 * are output pixels {@code (n, oh, ow)}, columns the group's output channels, and the depth
 * its input channels times the window {@code (c, kh, kw)}, which is exactly the order of a
 * row of the OIHW weight. The A operand is gathered from x as it is staged (the im2col matrix
 * is never stored), zero in the padding; either layout of x and of the output is a matter of
 * index arithmetic.
 *
 * <p>With a fused max pooling ({@code pool=[kh,kw]}) the rows are the pooled pixels and the
 * GEMM runs once per window position, each pass on the conv pixels at that position of every
 * window; the thread that owns an output element in one pass owns it in all of them, so it
 * keeps the running max in out itself (NaN propagates, as in the max pooling kernel).
 */
final class ConvCuda implements CudaKernel<Kernel.Conv2d> {
    @Override
    public Grid grid(Kernel.Conv2d k) {
        Geometry g = Geometry.of(k);
        return GemmTiles.grid(g.batch.times(Dim.of(g.outH * (long) g.outW)), Dim.of(g.groupOut), Dim.of(k.groups()));
    }

    /** Sizes of a convolution; every size but the batch is known. */
    private record Geometry(Dim batch, int channels, int height, int width, int outChannels, int outH, int outW,
                            int kh, int kw, int groupIn, int groupOut) {
        static Geometry of(Kernel.Conv2d k) {
            Shape x = k.x().type().shape(), w = k.weight().type().shape(), o = k.out().type().shape();
            boolean inLast = k.inputLayout() == Kernel.Layout.NHWC, outLast = k.layout() == Kernel.Layout.NHWC;
            int c = known(x.dim(inLast ? 3 : 1)), h = known(x.dim(inLast ? 1 : 2)), wd = known(x.dim(inLast ? 2 : 3));
            int oc = known(o.dim(outLast ? 3 : 1)), oh = known(o.dim(outLast ? 1 : 2)), ow = known(o.dim(outLast ? 2 : 3));
            return new Geometry(x.dim(0), c, h, wd, oc, oh, ow, known(w.dim(2)), known(w.dim(3)), c / k.groups(), oc / k.groups());
        }

        private static int known(Dim d) {
            if (!d.isKnown()) throw new IllegalArgumentException("a convolution's channel and spatial sizes must be known, not " + d);
            return Math.toIntExact(d.known().getAsLong());
        }
    }

    @Override
    public void body(Kernel.Conv2d k, KernelEnv env, FunctionWriter f) {
        Geometry g = Geometry.of(k);
        String pixels = Gpu.mul(f, env.dim(f, g.batch), String.valueOf((long) g.outH * g.outW));
        String depth = String.valueOf(g.groupIn * g.kh * g.kw);
        int poolH = k.pooled() ? k.pool().get(0) : 1, poolW = k.pooled() ? k.pool().get(1) : 1;
        if (k.pooled()) {
            f.loop("0", String.valueOf(poolH * poolW), 1, window -> gemm(k, env, f, g, pixels, depth, window, poolH, poolW));
        } else {
            gemm(k, env, f, g, pixels, depth, null, 1, 1);
        }
    }

    /**
     * The GEMM over out's pixels; with a pooling, that of the conv pixels at position
     * {@code window} (an i64 value, {@code wy * poolW + wx}) of every window, max-ed into out.
     */
    private static void gemm(Kernel.Conv2d k, KernelEnv env, FunctionWriter f, Geometry g, String pixels, String depth,
                             String window, int poolH, int poolW) {
        String group = Gpu.block(f, 'z');
        String x = env.ptr(f, k.x()), w = env.ptr(f, k.weight()), out = env.ptr(f, k.out());
        String bias = k.bias() == null ? null : env.ptr(f, k.bias());
        String firstIn = Gpu.mul(f, group, String.valueOf(g.groupIn)), firstOut = Gpu.mul(f, group, String.valueOf(g.groupOut));
        boolean inLast = k.inputLayout() == Kernel.Layout.NHWC, outLast = k.layout() == Kernel.Layout.NHWC;
        int sh = k.stride().get(0), sw = k.stride().get(1), dh = k.dilation().get(0), dw = k.dilation().get(1);
        int top = k.padding().get(0), left = k.padding().get(1);
        String wy = window == null ? "0" : f.let("udiv i64 %s, %d", window, poolW);
        String wx = window == null ? "0" : f.let("urem i64 %s, %d", window, poolW);
        GemmTiles.emit(f, env.kernelName(), pixels, String.valueOf(g.groupOut), depth, false, false, new GemmTiles.Operands() {
            @Override public String a(FunctionWriter v, String pixel, String kk) {
                String[] p = pixel(v, g, pixel);
                // The conv pixel: out's own, or the window's position in it.
                String oh = Gpu.add(v, v.let("mul i64 %s, %d", p[1], poolH), wy);
                String ow = Gpu.add(v, v.let("mul i64 %s, %d", p[2], poolW), wx);
                String kx = v.let("urem i64 %s, %d", kk, g.kw), rest = v.let("udiv i64 %s, %d", kk, g.kw);
                String ky = v.let("urem i64 %s, %d", rest, g.kh), c = Gpu.add(v, firstIn, v.let("udiv i64 %s, %d", rest, g.kh));
                String ih = v.let("add i64 %s, %s", v.let("sub i64 %s, %d", v.let("mul i64 %s, %d", oh, sh), top), v.let("mul i64 %s, %d", ky, dh));
                String iw = v.let("add i64 %s, %s", v.let("sub i64 %s, %d", v.let("mul i64 %s, %d", ow, sw), left), v.let("mul i64 %s, %d", kx, dw));
                String inside = Gpu.and(v, Gpu.below(v, ih, String.valueOf(g.height)), Gpu.below(v, iw, String.valueOf(g.width)));
                return GemmTiles.guarded(v, inside, () -> {
                    String index = inLast
                            ? index4(v, p[0], ih, iw, c, g.height, g.width, g.channels)
                            : index4(v, p[0], c, ih, iw, g.channels, g.height, g.width);
                    return Gpu.load(v, x, index);
                });
            }

            @Override public String b(FunctionWriter v, String kk, String col) {
                return Gpu.load(v, w, Gpu.add(v, v.let("mul i64 %s, %s", Gpu.add(v, firstOut, col), depth), kk));
            }

            @Override public void store(FunctionWriter v, String pixel, String col, String value) {
                String[] p = pixel(v, g, pixel);
                String oc = Gpu.add(v, firstOut, col);
                String val = bias == null ? value : v.let("fadd float %s, %s", value, Gpu.load(v, bias, oc));
                List<String> coords = outLast ? List.of(p[0], p[1], p[2], oc) : List.of(p[0], oc, p[1], p[2]);
                String index = outLast
                        ? index4(v, p[0], p[1], p[2], oc, g.outH, g.outW, g.outChannels)
                        : index4(v, p[0], oc, p[1], p[2], g.outChannels, g.outH, g.outW);
                String result = Epilogue.apply(v, env, k.epilogue(), val, coords);
                if (window != null) {
                    // The first position's pass starts the max; out holds nothing of this call before it.
                    String soFar = Gpu.maximum(v, Gpu.load(v, out, index), result);
                    result = v.let("select i1 %s, float %s, float %s", v.let("icmp eq i64 %s, 0", window), result, soFar);
                }
                Gpu.store(v, result, out, index);
            }
        });
    }

    /** (n, oh, ow) of a flat output pixel index. */
    private static String[] pixel(FunctionWriter f, Geometry g, String pixel) {
        String ow = f.let("urem i64 %s, %d", pixel, g.outW), rest = f.let("udiv i64 %s, %d", pixel, g.outW);
        return new String[] {f.let("udiv i64 %s, %d", rest, g.outH), f.let("urem i64 %s, %d", rest, g.outH), ow};
    }

    /** The flat index of {@code (a, b, c, d)} in a tensor of dims {@code [*, sb, sc, sd]}. */
    private static String index4(FunctionWriter f, String a, String b, String c, String d, int sb, int sc, int sd) {
        String ab = f.let("add i64 %s, %s", f.let("mul i64 %s, %d", a, sb), b);
        String abc = f.let("add i64 %s, %s", f.let("mul i64 %s, %d", ab, sc), c);
        return f.let("add i64 %s, %s", f.let("mul i64 %s, %d", abc, sd), d);
    }
}
