package dev.nnc.codegen.nativecode;

import java.util.ArrayList;
import java.util.List;

/**
 * Im2col for output pixels held in vector lanes, from a channels-first x (or a one-channel
 * x, whose two layouts are the same memory). Lane i of the tile is output pixel
 * {@code first + i} counted over (image, row, column); lanes from {@code count} on are off.
 * {@link #fill} writes, for each depth step p = (channel, tap), the tile's values at
 * {@code panel + p * stride} (zeros in the padding), one vector per group of lanes.
 *
 * <p>When every lane lies in one output row and its windows miss the padding (at stride 1,
 * the usual case), each step is one contiguous run of x: a masked vector load. Otherwise each
 * step is a masked gather with the lanes' own coordinates.
 */
final class ConvLaneGather {
    private final FunctionWriter f;
    private final KernelEnv env;
    private final ConvShape s;
    private final int vectors;
    /** x at the first lane's image. */
    private final String image;
    private final List<String> valid = new ArrayList<>(), rowStart = new ArrayList<>(), colStart = new ArrayList<>(),
            imageOffset = new ArrayList<>();
    /** i1: the contiguous case holds; and the first lane's window corner relative to its image's channel plane. */
    private final String contiguous, corner;

    /** Emits the lanes' coordinates for the tile of {@code count} pixels (i64 values) from {@code first}. */
    ConvLaneGather(FunctionWriter f, KernelEnv env, ConvShape s, String x, String first, String count, int vectors) {
        this.f = f;
        this.env = env;
        this.s = s;
        this.vectors = vectors;
        int l = env.lanes();
        String perImage = s.pixelsPerImage(env, f), ow = env.dim(f, s.outWidth());
        String n0 = ConvIr.div(f, first, perImage), r0 = ConvIr.rem(f, first, perImage);
        image = ConvVectors.at(f, x, ConvIr.mul(f, n0, s.imageSize(env, f)));
        String perImage32 = vectorOf(perImage), ow32 = vectorOf(ow), imageSize32 = vectorOf(s.imageSize(env, f));
        String count32 = ConvIr.toI32(f, count);
        for (int v = 0; v < vectors; v++) {
            String pixel = f.let("add <%d x i32> %s, %s", l, vectorOf(r0), ConvVectors.laneIndices(l, v * l));
            String dn = f.let("udiv <%d x i32> %s, %s", l, pixel, perImage32);
            String inImage = f.let("sub <%d x i32> %s, %s", l, pixel, f.let("mul <%d x i32> %s, %s", l, dn, perImage32));
            String oy = f.let("udiv <%d x i32> %s, %s", l, inImage, ow32);
            String ox = f.let("sub <%d x i32> %s, %s", l, inImage, f.let("mul <%d x i32> %s, %s", l, oy, ow32));
            rowStart.add(window(oy, s.strideH(), s.padTop()));
            colStart.add(window(ox, s.strideW(), s.padLeft()));
            imageOffset.add(f.let("mul <%d x i32> %s, %s", l, dn, imageSize32));
            valid.add(ConvVectors.lanesBelow(f, l, v * l, count32));
        }
        String iy0 = ConvIr.sub(f, ConvIr.mul(f, ConvIr.div(f, r0, ow), Integer.toString(s.strideH())), Integer.toString(s.padTop()));
        String ix0 = ConvIr.sub(f, ConvIr.rem(f, r0, ow), Integer.toString(s.padLeft()));
        corner = ConvIr.add(f, ConvIr.mul(f, iy0, env.dim(f, s.width())), ix0);
        // One output row at stride 1: the lanes' windows are one run of x per step.
        contiguous = s.strideW() != 1 ? "false" : ConvIr.and(f,
                f.let("icmp sle i64 %s, %s", ConvIr.add(f, ConvIr.rem(f, r0, ow), count), ow),
                s.windowsInside(env, f, iy0, ix0, ConvIr.sub(f, count, "1")));
    }

    /** The mask of the lanes of vector v that hold a pixel. */
    String valid(int v) { return valid.get(v); }

    /**
     * Writes channels {@code [firstChannel, firstChannel + channelCount)} of x (i64 values) for
     * every tap: depth step {@code c * taps + tap} at {@code panel + step * stride}.
     */
    void fill(String panel, int stride, String firstChannel, String channelCount) {
        if (contiguous.equals("false")) {
            gathered(panel, stride, firstChannel, channelCount);
        } else {
            ConvIr.either(f, contiguous, () -> contiguousRuns(panel, stride, firstChannel, channelCount),
                    () -> gathered(panel, stride, firstChannel, channelCount));
        }
    }

    private void contiguousRuns(String panel, int stride, String firstChannel, String channelCount) {
        String plane = s.planeSize(env, f), w = env.dim(f, s.width());
        eachStep(channelCount, (c, kh, kw, step) -> {
            String channel = ConvIr.mul(f, ConvIr.add(f, firstChannel, c), plane);
            String tap = ConvIr.add(f, ConvIr.mul(f, ConvIr.mul(f, kh, Integer.toString(s.dilationH())), w),
                    ConvIr.mul(f, kw, Integer.toString(s.dilationW())));
            String run = ConvIr.add(f, ConvIr.add(f, channel, corner), tap);
            for (int v = 0; v < vectors; v++) {
                String src = ConvVectors.at(f, image, ConvIr.add(f, run, Integer.toString(v * env.lanes())));
                store(ConvVectors.maskedLoad(f, env, src, valid.get(v), "zeroinitializer"), panel, stride, step, v);
            }
        });
    }

    private void gathered(String panel, int stride, String firstChannel, String channelCount) {
        int l = env.lanes();
        String h32 = vectorOf(env.dim(f, s.height())), w32 = vectorOf(env.dim(f, s.width()));
        String plane = s.planeSize(env, f);
        eachStep(channelCount, (c, kh, kw, step) -> {
            String channel = vectorOf(ConvIr.mul(f, ConvIr.add(f, firstChannel, c), plane));
            String dy = vectorOf(ConvIr.mul(f, kh, Integer.toString(s.dilationH())));
            String dx = vectorOf(ConvIr.mul(f, kw, Integer.toString(s.dilationW())));
            for (int v = 0; v < vectors; v++) {
                String iy = f.let("add <%d x i32> %s, %s", l, rowStart.get(v), dy);
                String ix = f.let("add <%d x i32> %s, %s", l, colStart.get(v), dx);
                String inside = f.let("and <%d x i1> %s, %s", l, f.let("icmp ult <%d x i32> %s, %s", l, iy, h32),
                        f.let("icmp ult <%d x i32> %s, %s", l, ix, w32));
                String mask = f.let("and <%d x i1> %s, %s", l, inside, valid.get(v));
                String offset = f.let("add <%d x i32> %s, %s", l, imageOffset.get(v), channel);
                offset = f.let("add <%d x i32> %s, %s", l, offset, f.let("mul <%d x i32> %s, %s", l, iy, w32));
                offset = f.let("add <%d x i32> %s, %s", l, offset, ix);
                store(ConvVectors.gather(f, env, image, offset, mask), panel, stride, step, v);
            }
        });
    }

    /** One depth step: channel c of the block, tap (kh, kw), and its index {@code c * taps + kh * kernelW + kw}. */
    @FunctionalInterface
    private interface Step {
        void emit(String c, String kh, String kw, String step);
    }

    private void eachStep(String channelCount, Step body) {
        f.loop("0", channelCount, 1, c -> f.loop("0", Integer.toString(s.kernelH()), 1, kh ->
                f.loop("0", Integer.toString(s.kernelW()), 1, kw -> {
                    String tap = ConvIr.add(f, ConvIr.mul(f, kh, Integer.toString(s.kernelW())), kw);
                    body.emit(c, kh, kw, ConvIr.add(f, ConvIr.mul(f, c, Integer.toString(s.taps())), tap));
                })));
    }

    private void store(String value, String panel, int stride, String step, int v) {
        String at = ConvIr.add(f, ConvIr.mul(f, step, Integer.toString(stride)), Integer.toString(v * env.lanes()));
        f.emit("store %s %s, ptr %s, align 4", env.vf(), value, ConvVectors.at(f, panel, at));
    }

    /** {@code coordinate * stride - pad}: where a lane's window starts along one axis. */
    private String window(String coordinate, int stride, int pad) {
        int l = env.lanes();
        String scaled = f.let("mul <%d x i32> %s, %s", l, coordinate, vectorOf(Integer.toString(stride)));
        return f.let("sub <%d x i32> %s, %s", l, scaled, vectorOf(Integer.toString(pad)));
    }

    /** An i64 value as an i32 vector in every lane. */
    private String vectorOf(String value) {
        return ConvVectors.splat(f, env.lanes(), "i32", ConvIr.toI32(f, value));
    }
}
