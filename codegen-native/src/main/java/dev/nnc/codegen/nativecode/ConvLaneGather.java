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
 * <p>When every lane lies in one output row (at stride 1, the usual case), a step is one
 * contiguous run of x: a masked vector load, the mask (lanes whose tap is in the padding are
 * off) computed once per tap for all channels. Otherwise each step is a masked gather with the
 * lanes' own coordinates.
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
    /** i1: the lanes are in one output row (stride 1 only, else "false"); its window's first input row and column. */
    private final String oneRow, iy0, ix0;

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
        String ox0 = ConvIr.rem(f, r0, ow);
        iy0 = ConvIr.sub(f, ConvIr.mul(f, ConvIr.div(f, r0, ow), Integer.toString(s.strideH())), Integer.toString(s.padTop()));
        ix0 = ConvIr.sub(f, ox0, Integer.toString(s.padLeft()));
        oneRow = s.strideW() != 1 ? "false" : f.let("icmp sle i64 %s, %s", ConvIr.add(f, ox0, count), ow);
    }

    /** The mask of the lanes of vector v that hold a pixel. */
    String valid(int v) { return valid.get(v); }

    /**
     * Writes channels {@code [firstChannel, firstChannel + channelCount)} of x (i64 values) for
     * every tap: depth step {@code c * taps + tap} at {@code panel + step * stride}.
     */
    void fill(String panel, int stride, String firstChannel, String channelCount) {
        if (oneRow.equals("false")) {
            gathered(panel, stride, firstChannel, channelCount);
        } else {
            ConvIr.either(f, oneRow, () -> runs(panel, stride, firstChannel, channelCount),
                    () -> gathered(panel, stride, firstChannel, channelCount));
        }
    }

    /** Lanes in one output row: tap (kh, kw) of every lane is the run of x from (iy0 + kh, ix0 + kw) in each channel. */
    private void runs(String panel, int stride, String firstChannel, String channelCount) {
        int l = env.lanes();
        String plane = s.planeSize(env, f), h = env.dim(f, s.height()), w = env.dim(f, s.width());
        String w32 = vectorOf(w);
        eachTap((kh, kw, tap) -> {
            String iy = ConvIr.add(f, iy0, ConvIr.mul(f, kh, Integer.toString(s.dilationH())));
            String ix = ConvIr.add(f, ix0, ConvIr.mul(f, kw, Integer.toString(s.dilationW())));
            String rowInside = ConvIr.within(f, iy, h);
            List<String> masks = new ArrayList<>(vectors);
            for (int v = 0; v < vectors; v++) {
                String columns = f.let("add <%d x i32> %s, %s", l, vectorOf(ix), ConvVectors.laneIndices(l, v * l));
                String inside = f.let("and <%d x i1> %s, %s", l, valid.get(v), f.let("icmp ult <%d x i32> %s, %s", l, columns, w32));
                masks.add(ConvVectors.maskIf(f, l, rowInside, inside));
            }
            String run = ConvVectors.at(f, image, ConvIr.add(f, ConvIr.mul(f, iy, w), ix));
            f.loop("0", channelCount, 1, c -> {
                String channel = ConvVectors.at(f, run, ConvIr.mul(f, ConvIr.add(f, firstChannel, c), plane));
                for (int v = 0; v < vectors; v++) {
                    String loaded = VectorOps.floats(f, l).maskedLoad(ConvVectors.at(f, channel, Integer.toString(v * l)), masks.get(v));
                    store(loaded, panel, stride, step(c, tap), v);
                }
            });
        });
    }

    private void gathered(String panel, int stride, String firstChannel, String channelCount) {
        int l = env.lanes();
        String h32 = vectorOf(env.dim(f, s.height())), w32 = vectorOf(env.dim(f, s.width()));
        String plane = s.planeSize(env, f);
        eachTap((kh, kw, tap) -> {
            String dy = vectorOf(ConvIr.mul(f, kh, Integer.toString(s.dilationH())));
            String dx = vectorOf(ConvIr.mul(f, kw, Integer.toString(s.dilationW())));
            List<String> masks = new ArrayList<>(vectors), offsets = new ArrayList<>(vectors);
            for (int v = 0; v < vectors; v++) {
                String iy = f.let("add <%d x i32> %s, %s", l, rowStart.get(v), dy);
                String ix = f.let("add <%d x i32> %s, %s", l, colStart.get(v), dx);
                String inside = f.let("and <%d x i1> %s, %s", l, f.let("icmp ult <%d x i32> %s, %s", l, iy, h32),
                        f.let("icmp ult <%d x i32> %s, %s", l, ix, w32));
                masks.add(f.let("and <%d x i1> %s, %s", l, inside, valid.get(v)));
                String offset = f.let("add <%d x i32> %s, %s", l, imageOffset.get(v), f.let("mul <%d x i32> %s, %s", l, iy, w32));
                offsets.add(f.let("add <%d x i32> %s, %s", l, offset, ix));
            }
            f.loop("0", channelCount, 1, c -> {
                String channel = vectorOf(ConvIr.mul(f, ConvIr.add(f, firstChannel, c), plane));
                for (int v = 0; v < vectors; v++) {
                    String at = f.let("add <%d x i32> %s, %s", l, offsets.get(v), channel);
                    store(ConvVectors.gather(f, env, image, at, masks.get(v)), panel, stride, step(c, tap), v);
                }
            });
        });
    }

    /** A window position: row kh, column kw, and its index {@code kh * kernelW + kw}. */
    @FunctionalInterface
    private interface Tap {
        void emit(String kh, String kw, String tap);
    }

    private void eachTap(Tap body) {
        f.loop("0", Integer.toString(s.kernelH()), 1, kh -> f.loop("0", Integer.toString(s.kernelW()), 1, kw ->
                body.emit(kh, kw, ConvIr.add(f, ConvIr.mul(f, kh, Integer.toString(s.kernelW())), kw))));
    }

    /** The depth step of channel c of the block at a tap: channel-major, the OIHW filters' own order. */
    private String step(String c, String tap) {
        return ConvIr.add(f, ConvIr.mul(f, c, Integer.toString(s.taps())), tap);
    }

    private void store(String value, String panel, int stride, String step, int v) {
        String at = ConvIr.add(f, ConvIr.mul(f, step, Integer.toString(stride)), Integer.toString(v * env.lanes()));
        VectorOps.floats(f, env.lanes()).store(value, ConvVectors.at(f, panel, at));
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
