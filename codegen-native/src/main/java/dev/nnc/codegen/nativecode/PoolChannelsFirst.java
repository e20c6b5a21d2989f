package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;

/**
 * Pooling of a channels-first x, vectors along the output width: a work unit is an output row
 * of one plane (image and channel). Each window column of a vector of outputs is one masked
 * load at stride 1 (lanes in the padding or past the row are off), else a masked gather.
 */
final class PoolChannelsFirst {
    private final Kernel.Pool2d k;
    private final PoolReduction reduction;

    PoolChannelsFirst(Kernel.Pool2d k) {
        this.k = k;
        this.reduction = new PoolReduction(k);
    }

    String units(KernelEnv env, FunctionWriter f) {
        Shape out = k.out().type().shape();
        return ConvIr.mul(f, ConvIr.mul(f, env.dim(f, out.dim(0)), env.dim(f, out.dim(1))), env.dim(f, out.dim(2)));
    }

    void body(KernelEnv env, FunctionWriter f, String from, String to) {
        Shape x = k.x().type().shape(), out = k.out().type().shape();
        String h = env.dim(f, x.dim(2)), w = env.dim(f, x.dim(3));
        String oh = env.dim(f, out.dim(2)), ow = env.dim(f, out.dim(3));
        String xp = env.ptr(f, k.x()), outp = env.ptr(f, k.out());
        int l = env.lanes(), strideW = k.stride().get(1), padLeft = k.padding().get(1);
        boolean padded = padLeft + k.padding().get(3) > 0;
        PoolAxis rows = PoolAxis.scalar(h, k.kernel().get(0), k.stride().get(0), k.padding().get(0), k.padding().get(2));
        PoolAxis cols = PoolAxis.lanes(f, l, w, k.kernel().get(1), strideW, padLeft, k.padding().get(3));
        String w32 = ConvVectors.splat(f, l, "i32", ConvIr.toI32(f, w));
        VectorOps ops = VectorOps.floats(f, l);
        f.loop(from, to, 1, u -> {
            String plane = ConvIr.div(f, u, oh);
            String rowStart = rows.start(f, ConvIr.rem(f, u, oh));
            String top = rows.first(f, rowStart), bottom = rows.end(f, rowStart);
            f.loop("0", ow, l, ox0 -> {
                String ox = f.let("add <%d x i32> %s, %s", l, ConvVectors.splat(f, l, "i32", ConvIr.toI32(f, ox0)), ConvVectors.laneIndices(l, 0));
                String valid = ConvVectors.lanesBelow(f, l, 0, ConvIr.toI32(f, ConvIr.sub(f, ow, ox0)));
                String colStart = cols.start(f, ox);
                String acc = reduction.over(f, ops, top, bottom, "0", Integer.toString(k.kernel().get(1)), (iy, kw) -> {
                    String row = ConvVectors.at(f, xp, ConvIr.mul(f, ConvIr.add(f, ConvIr.mul(f, plane, h), iy), w));
                    String ix = f.let("add <%d x i32> %s, %s", l, colStart, ConvVectors.splat(f, l, "i32", ConvIr.toI32(f, kw)));
                    String inside = padded ? f.let("and <%d x i1> %s, %s", l, valid, f.let("icmp ult <%d x i32> %s, %s", l, ix, w32)) : valid;
                    String loaded = strideW == 1
                            ? ops.maskedLoad(ConvVectors.at(f, row, ConvIr.add(f, ConvIr.sub(f, ox0, Integer.toString(padLeft)), kw)), inside)
                            : ConvVectors.gather(f, env, row, ix, inside);
                    return padded ? reduction.padded(ops, loaded, inside) : loaded;
                });
                String result = reduction.finish(ops, acc, () -> {
                    String across = f.let("sub <%d x i32> %s, %s", l, cols.end(f, colStart), cols.first(f, colStart));
                    String down = ConvVectors.splat(f, l, "i32", ConvIr.toI32(f, ConvIr.sub(f, bottom, top)));
                    return ops.toFloat(f.let("mul <%d x i32> %s, %s", l, across, down));
                });
                // A whole vector is a plain store, faster than a masked one on a large output (see ConvRegisterTile.end).
                String dst = ConvVectors.at(f, outp, ConvIr.add(f, ConvIr.mul(f, u, ow), ox0));
                ConvIr.either(f, f.let("icmp sle i64 %s, %s", ConvIr.add(f, ox0, Integer.toString(l)), ow),
                        () -> ops.store(result, dst), () -> ops.maskedStore(result, dst, valid));
            });
        });
    }
}
