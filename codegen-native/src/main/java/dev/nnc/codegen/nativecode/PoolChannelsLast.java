package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;

/**
 * Pooling of a channels-last x, vectors along the channels: a work unit is an output row of
 * one image; each output pixel reduces its clipped window a channel vector at a time.
 */
final class PoolChannelsLast {
    private final Kernel.Pool2d k;
    private final PoolReduction reduction;

    PoolChannelsLast(Kernel.Pool2d k) {
        this.k = k;
        this.reduction = new PoolReduction(k);
    }

    String units(KernelEnv env, FunctionWriter f) {
        Shape out = k.out().type().shape();
        return ConvIr.mul(f, env.dim(f, out.dim(0)), env.dim(f, out.dim(1)));
    }

    void body(KernelEnv env, FunctionWriter f, String from, String to) {
        Shape x = k.x().type().shape(), out = k.out().type().shape();
        String h = env.dim(f, x.dim(1)), w = env.dim(f, x.dim(2)), c = env.dim(f, x.dim(3));
        String oh = env.dim(f, out.dim(1)), ow = env.dim(f, out.dim(2));
        String xp = env.ptr(f, k.x()), outp = env.ptr(f, k.out());
        PoolAxis rows = PoolAxis.scalar(h, k.kernel().get(0), k.stride().get(0), k.padding().get(0), k.padding().get(2));
        PoolAxis cols = PoolAxis.scalar(w, k.kernel().get(1), k.stride().get(1), k.padding().get(1), k.padding().get(3));
        VectorOps ops = VectorOps.floats(f, env.lanes());
        f.loop(from, to, 1, u -> {
            String n = ConvIr.div(f, u, oh);
            String rowStart = rows.start(f, ConvIr.rem(f, u, oh));
            String top = rows.first(f, rowStart), bottom = rows.end(f, rowStart);
            f.loop("0", ow, 1, ox -> {
                String colStart = cols.start(f, ox);
                String left = cols.first(f, colStart), right = cols.end(f, colStart);
                String dst = ConvVectors.at(f, outp, ConvIr.mul(f, ConvIr.add(f, ConvIr.mul(f, u, ow), ox), c));
                f.loop("0", c, env.lanes(), ch -> {
                    // Lanes past the channels load as zero and are never stored.
                    String mask = channelsFrom(f, env, x.dim(3), c, ch);
                    String channel = ConvVectors.at(f, xp, ch);
                    String acc = reduction.over(f, ops, top, bottom, left, right, (iy, ix) -> {
                        String pixel = ConvIr.add(f, ConvIr.mul(f, ConvIr.add(f, ConvIr.mul(f, n, h), iy), w), ix);
                        return ops.maskedLoad(ConvVectors.at(f, channel, ConvIr.mul(f, pixel, c)), mask);
                    });
                    String result = reduction.finish(ops, acc, () -> {
                        String covered = ConvIr.mul(f, ConvIr.sub(f, bottom, top), ConvIr.sub(f, right, left));
                        return ops.splat(f.let("sitofp i64 %s to float", covered));
                    });
                    ops.maskedStore(result, ConvVectors.at(f, dst, ch), mask);
                });
            });
        });
    }

    /** The lanes of channels {@code ch ..} that exist: all of them when the channel count is a known multiple of the lanes. */
    private static String channelsFrom(FunctionWriter f, KernelEnv env, Dim channels, String c, String ch) {
        if (channels.isKnown() && channels.known().getAsLong() % env.lanes() == 0) return ConvVectors.allLanes();
        return ConvVectors.lanesBelow(f, env.lanes(), 0, ConvIr.toI32(f, ConvIr.sub(f, c, ch)));
    }
}
