package dev.nnc.codegen.nativecode;

/**
 * Im2col for a channels-last x, one output pixel per panel row: row r holds the window of
 * pixel {@code first + r} tap by tap, each tap a run of the block's channels (contiguous in
 * x), so it is copied a vector at a time. Rows from {@code count} on, and taps in the padding,
 * are zeros.
 *
 * <p>When the block takes every channel of x, the dilation along the width is 1 and the window
 * misses the padding, a window row of {@code kernelW * channels} floats is one contiguous run.
 */
final class ConvRowGather {
    private final FunctionWriter f;
    private final KernelEnv env;
    private final ConvShape s;
    private final String x;

    ConvRowGather(FunctionWriter f, KernelEnv env, ConvShape s, String x) {
        this.f = f;
        this.env = env;
        this.s = s;
        this.x = x;
    }

    /**
     * Fills {@code rows} panel rows {@code rowStride} floats apart with channels
     * {@code [firstChannel, firstChannel + channelCount)} of the windows of pixels
     * {@code first ..} (i64 values), depth step {@code tap * channelCount + c}.
     */
    void fill(String panel, int rows, int rowStride, String first, String count, String firstChannel, String channelCount) {
        String depth = ConvIr.mul(f, channelCount, Integer.toString(s.taps()));
        boolean wholeRows = s.groups() == 1 && s.dilationW() == 1 && channelCount.equals(Integer.toString(s.channels()));
        f.loop("0", Integer.toString(rows), 1, r -> {
            String row = ConvVectors.at(f, panel, ConvIr.mul(f, r, Integer.toString(rowStride)));
            ConvIr.either(f, ConvIr.less(f, r, count), () -> {
                String pixel = ConvIr.add(f, first, r);
                String perImage = s.pixelsPerImage(env, f), ow = env.dim(f, s.outWidth());
                String inImage = ConvIr.rem(f, pixel, perImage);
                String iy0 = ConvIr.sub(f, ConvIr.mul(f, ConvIr.div(f, inImage, ow), Integer.toString(s.strideH())), Integer.toString(s.padTop()));
                String ix0 = ConvIr.sub(f, ConvIr.mul(f, ConvIr.rem(f, inImage, ow), Integer.toString(s.strideW())), Integer.toString(s.padLeft()));
                String image = ConvVectors.at(f, x, ConvIr.add(f, ConvIr.mul(f, ConvIr.div(f, pixel, perImage), s.imageSize(env, f)), firstChannel));
                if (wholeRows) {
                    ConvIr.either(f, s.windowInside(env, f, iy0, ix0), () -> windowRows(image, row, iy0, ix0), () -> taps(image, row, iy0, ix0, channelCount));
                } else {
                    taps(image, row, iy0, ix0, channelCount);
                }
            }, () -> ConvVectors.zero(f, env, row, depth));
        });
    }

    /** The window as kernelH runs of kernelW * channels floats. */
    private void windowRows(String image, String row, String iy0, String ix0) {
        String run = Integer.toString(s.kernelW() * s.channels());
        f.loop("0", Integer.toString(s.kernelH()), 1, kh -> {
            String iy = ConvIr.add(f, iy0, ConvIr.mul(f, kh, Integer.toString(s.dilationH())));
            String src = ConvVectors.at(f, image, pixelOffset(iy, ix0));
            ConvVectors.copy(f, env, src, ConvVectors.at(f, row, ConvIr.mul(f, kh, run)), run);
        });
    }

    /** The window tap by tap: a run of channelCount floats, or zeros where the tap is in the padding. */
    private void taps(String image, String row, String iy0, String ix0, String channelCount) {
        f.loop("0", Integer.toString(s.kernelH()), 1, kh -> f.loop("0", Integer.toString(s.kernelW()), 1, kw -> {
            String iy = ConvIr.add(f, iy0, ConvIr.mul(f, kh, Integer.toString(s.dilationH())));
            String ix = ConvIr.add(f, ix0, ConvIr.mul(f, kw, Integer.toString(s.dilationW())));
            String tap = ConvIr.add(f, ConvIr.mul(f, kh, Integer.toString(s.kernelW())), kw);
            String dst = ConvVectors.at(f, row, ConvIr.mul(f, tap, channelCount));
            String in = ConvIr.and(f, ConvIr.within(f, iy, env.dim(f, s.height())), ConvIr.within(f, ix, env.dim(f, s.width())));
            ConvIr.either(f, in, () -> ConvVectors.copy(f, env, ConvVectors.at(f, image, pixelOffset(iy, ix)), dst, channelCount),
                    () -> ConvVectors.zero(f, env, dst, channelCount));
        }));
    }

    /** Offset of input pixel (iy, ix) from its image's start: {@code (iy * width + ix) * channels}. */
    private String pixelOffset(String iy, String ix) {
        return ConvIr.mul(f, ConvIr.add(f, ConvIr.mul(f, iy, env.dim(f, s.width())), ix), Integer.toString(s.channels()));
    }
}
