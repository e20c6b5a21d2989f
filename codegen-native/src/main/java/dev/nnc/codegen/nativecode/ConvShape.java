package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;

/**
 * The sizes of a convolution in layout-free terms (the output ones before any fused pooling). Channel counts and the window come from
 * the weight's shape and are compile-time constants; batch and image sizes are dims (the batch
 * is usually symbolic) that {@link KernelEnv#dim} turns into IR values.
 */
record ConvShape(Dim batch, int channels, Dim height, Dim width, int outChannels, Dim outHeight, Dim outWidth,
                 int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
                 int padTop, int padLeft, int padBottom, int padRight, int groups) {

    static ConvShape of(Kernel.Conv2d k) {
        Shape w = k.weight().type().shape();
        Shape x = k.x().type().shape(), out = k.out().type().shape();
        boolean nhwcX = k.inputLayout() == Kernel.Layout.NHWC, nhwcOut = k.layout() == Kernel.Layout.NHWC;
        // A fused pooling shrinks out; the convolution itself still makes convHeight x convWidth pixels.
        Dim outHeight = k.pooled() ? Dim.of(k.convHeight()) : out.dim(nhwcOut ? 1 : 2);
        Dim outWidth = k.pooled() ? Dim.of(k.convWidth()) : out.dim(nhwcOut ? 2 : 3);
        return new ConvShape(x.dim(0), known(w.dim(1), k) * k.groups(), x.dim(nhwcX ? 1 : 2), x.dim(nhwcX ? 2 : 3),
                known(w.dim(0), k), outHeight, outWidth,
                known(w.dim(2), k), known(w.dim(3), k), k.stride().get(0), k.stride().get(1),
                k.dilation().get(0), k.dilation().get(1),
                k.padding().get(0), k.padding().get(1), k.padding().get(2), k.padding().get(3), k.groups());
    }

    private static int known(Dim d, Kernel.Conv2d k) {
        if (!d.isKnown()) throw new UnsupportedByNative("conv2d weight " + k.weight().name() + " of symbolic shape " + k.weight().type());
        return Math.toIntExact(d.known().getAsLong());
    }

    int groupChannels() { return channels / groups; }

    int groupOutChannels() { return outChannels / groups; }

    int taps() { return kernelH * kernelW; }

    /** Weights per output channel: the GEMM depth. */
    int depth() { return groupChannels() * taps(); }

    boolean padded() { return padTop + padLeft + padBottom + padRight > 0; }

    /** A 1x1 window at stride 1 without padding: output pixel i reads input pixel i only. */
    boolean pointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && !padded();
    }

    String pixelsPerImage(KernelEnv env, FunctionWriter f) {
        return ConvIr.mul(f, env.dim(f, outHeight), env.dim(f, outWidth));
    }

    /** Output pixels of the whole batch: the GEMM's M in channels-last form. */
    String pixels(KernelEnv env, FunctionWriter f) {
        return ConvIr.mul(f, env.dim(f, batch), pixelsPerImage(env, f));
    }

    String planeSize(KernelEnv env, FunctionWriter f) {
        return ConvIr.mul(f, env.dim(f, height), env.dim(f, width));
    }

    /** Floats of one input image. */
    String imageSize(KernelEnv env, FunctionWriter f) {
        return ConvIr.mul(f, planeSize(env, f), Integer.toString(channels));
    }

    /** An i1: whether the window starting at input (iy0, ix0) misses the padding. */
    String windowInside(KernelEnv env, FunctionWriter f, String iy0, String ix0) {
        String lastRow = ConvIr.add(f, iy0, Integer.toString((kernelH - 1) * dilationH));
        String lastCol = ConvIr.add(f, ix0, Integer.toString((kernelW - 1) * dilationW));
        String rows = ConvIr.and(f, f.let("icmp sge i64 %s, 0", iy0), ConvIr.less(f, lastRow, env.dim(f, height)));
        return ConvIr.and(f, rows, ConvIr.and(f, f.let("icmp sge i64 %s, 0", ix0), ConvIr.less(f, lastCol, env.dim(f, width))));
    }
}
