package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * A convolution with channels-first x and output as one implicit GEMM per image and group,
 * {@code out[O, pixels] = W[O, depth] · patches[depth, pixels]}: vectors run along the output
 * pixels of an image (along an output row when rows are at least a tile wide, else across
 * rows), a tile is {@code rows} output channels times two vectors of pixels. The OIHW weights are the left operand as they are (a filter is a
 * contiguous row of depth steps), so nothing is packed; the patches of a tile's pixels are
 * gathered into a stack panel once per depth block and multiplied with every filter of the
 * group. Grouped and depthwise convolutions are the same loop with fewer filters per group.
 *
 * <p>A work unit is a band of output rows of one image and group; bias and ReLU are applied in
 * registers, another epilogue on the band's rows of each output channel once they are done.
 */
final class ConvChannelsFirst {
    /** Floats of the stack panel a depth block's patches may take (64 KiB). */
    private static final int PANEL_FLOATS = 16384;
    /** Output pixels a unit aims at: a few tiles, so that short image rows share a unit. */
    private static final int UNIT_PIXELS = 128;

    private final Kernel.Conv2d k;
    private final ConvShape s;
    private final ConvRegisterTile full;
    private final int tilePixels;
    private final ConvDepthBlocks blocks;

    ConvChannelsFirst(Kernel.Conv2d k, KernelEnv env) {
        this.k = k;
        this.s = ConvShape.of(k);
        this.tilePixels = 2 * env.lanes();
        this.full = new ConvRegisterTile(Math.min(ConvRegisterTile.maxRows(env, 2), s.groupOutChannels()), 2);
        this.blocks = ConvDepthBlocks.of(s.groupChannels(), s.taps(), PANEL_FLOATS / tilePixels);
    }

    String units(KernelEnv env, FunctionWriter f) {
        String bands = ConvIr.ceilDiv(f, env.dim(f, s.outHeight()), bandRows(env, f));
        return ConvIr.mul(f, ConvIr.mul(f, env.dim(f, s.batch()), Integer.toString(s.groups())), bands);
    }

    /** Output rows per unit. */
    private String bandRows(KernelEnv env, FunctionWriter f) {
        return ConvIr.max(f, "1", ConvIr.div(f, Integer.toString(UNIT_PIXELS), ConvIr.max(f, "1", env.dim(f, s.outWidth()))));
    }

    void body(KernelEnv env, FunctionWriter f, String from, String to) {
        String panel = f.alloca("float", (long) tilePixels * blocks.maxDepth(), 64);
        String oh = env.dim(f, s.outHeight()), ow = env.dim(f, s.outWidth());
        String band = bandRows(env, f);
        String bands = ConvIr.ceilDiv(f, oh, band);
        f.loop(from, to, 1, u -> {
            String imageGroup = ConvIr.div(f, u, bands);
            String n = ConvIr.div(f, imageGroup, Integer.toString(s.groups()));
            String g = ConvIr.rem(f, imageGroup, Integer.toString(s.groups()));
            String oy0 = ConvIr.mul(f, ConvIr.rem(f, u, bands), band);
            String oy1 = ConvIr.min(f, oh, ConvIr.add(f, oy0, band));
            if (rowTiles()) {
                f.loop(oy0, oy1, 1, oy -> f.loop("0", ow, tilePixels, ox -> tile(env, f, panel, n, g,
                        ConvIr.add(f, ConvIr.mul(f, oy, ow), ox), ConvIr.min(f, Integer.toString(tilePixels), ConvIr.sub(f, ow, ox)))));
            } else {
                String end = ConvIr.mul(f, oy1, ow);
                f.loop(ConvIr.mul(f, oy0, ow), end, tilePixels, q -> tile(env, f, panel, n, g, q,
                        ConvIr.min(f, Integer.toString(tilePixels), ConvIr.sub(f, end, q))));
            }
            if (Conv2dCodegen.epilogueOnRows(k)) {
                f.loop("0", Integer.toString(s.groupOutChannels()), 1, o -> {
                    String rows = ConvIr.mul(f, outRow(f, n, g, o), oh);
                    Epilogues.applyInPlace(env, f, k.out(), k.epilogue(), ConvIr.add(f, rows, oy0), ConvIr.add(f, rows, oy1));
                });
            }
        });
    }

    /**
     * Whether tiles follow the output rows: then at stride 1 their patches are runs of x (see
     * {@link ConvLaneGather}). Rows narrower than a tile are better packed across rows.
     */
    private boolean rowTiles() {
        return s.outWidth().isKnown() && s.outWidth().known().getAsLong() >= tilePixels;
    }

    /** {@code count} pixels from pixel q of image n, every filter of group g. */
    private void tile(KernelEnv env, FunctionWriter f, String panel, String n, String g, String q, String count) {
        String perImage = s.pixelsPerImage(env, f);
        ConvLaneGather gather = new ConvLaneGather(f, env, s, env.ptr(f, k.x()),
                ConvIr.add(f, ConvIr.mul(f, n, perImage), q), count, 2);
        blocks.forEach(f, (c0, channels, firstBlock, lastBlock) -> {
            gather.fill(panel, tilePixels, ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(s.groupChannels())), c0), channels);
            int fullTiles = s.groupOutChannels() / full.rows(), rest = s.groupOutChannels() % full.rows();
            Filters filters = new Filters(env, f, panel, n, g, q, count, gather, c0, channels, firstBlock, lastBlock);
            if (fullTiles > 0) {
                f.loop("0", Integer.toString(fullTiles), 1, t -> filters.multiply(full, ConvIr.mul(f, t, Integer.toString(full.rows()))));
            }
            if (rest > 0) filters.multiply(new ConvRegisterTile(rest, 2), Integer.toString(fullTiles * full.rows()));
        });
    }

    /** Output channel {@code o} of group g as a row of image n: {@code n * O + g * O/groups + o}. */
    private String outRow(FunctionWriter f, String n, String g, String o) {
        String channel = ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(s.groupOutChannels())), o);
        return ConvIr.add(f, ConvIr.mul(f, n, Integer.toString(s.outChannels())), channel);
    }

    /** The filters of group g against a gathered depth block of the patches of pixels {@code q ..} of image n. */
    private final class Filters {
        private final KernelEnv env;
        private final FunctionWriter f;
        private final String panel, n, g, q, count, c0, channels, firstBlock, lastBlock;
        private final ConvLaneGather gather;

        Filters(KernelEnv env, FunctionWriter f, String panel, String n, String g, String q, String count, ConvLaneGather gather,
                String c0, String channels, String firstBlock, String lastBlock) {
            this.env = env;
            this.f = f;
            this.panel = panel;
            this.n = n;
            this.g = g;
            this.q = q;
            this.count = count;
            this.gather = gather;
            this.c0 = c0;
            this.channels = channels;
            this.firstBlock = firstBlock;
            this.lastBlock = lastBlock;
        }

        /** Filters {@code [o0, o0 + tile.rows())} of the group. */
        void multiply(ConvRegisterTile tile, String o0) {
            int l = env.lanes();
            String w = env.ptr(f, k.weight()), out = env.ptr(f, k.out());
            String perImage = s.pixelsPerImage(env, f);
            String blockStart = ConvIr.mul(f, c0, Integer.toString(s.taps()));
            // Filter o of the group is row g * O/groups + o of the OIHW weights, depth steps in their own order.
            ConvRegisterTile.RowScalars a = (p, r) -> ConvVectors.at(f, w, ConvIr.add(f,
                    ConvIr.mul(f, filter(o0, r), Integer.toString(s.depth())), ConvIr.add(f, blockStart, p)));
            VectorOps ops = VectorOps.floats(f, l);
            ConvRegisterTile.StepVectors b = (p, v) -> ops.load(ConvVectors.at(f, panel,
                    ConvIr.add(f, ConvIr.mul(f, p, Integer.toString(tilePixels)), Integer.toString(v * l))));
            ConvRegisterTile.Cells at = (r, v) -> ConvVectors.at(f, out, ConvIr.add(f,
                    ConvIr.mul(f, outRow(f, n, g, ConvIr.add(f, o0, Integer.toString(r))), perImage), ConvIr.add(f, q, Integer.toString(v * l))));
            ConvRegisterTile.Cells mask = (r, v) -> gather.valid(v);
            ConvRegisterTile.Cells bias = k.bias() == null ? null : (r, v) -> ops.splat(
                    f.let("load float, ptr %s, align 4", ConvVectors.at(f, env.ptr(f, k.bias()), filter(o0, r))));
            List<String> acc = tile.begin(f, env, firstBlock, bias, at, mask);
            acc = tile.accumulate(f, env, acc, ConvIr.mul(f, channels, Integer.toString(s.taps())), a, b);
            String whole = f.let("icmp eq i64 %s, %d", count, tilePixels);
            tile.end(f, env, acc, lastBlock, k.epilogue().isRelu(), at, whole, (r, v) -> ConvVectors.allLanes(), mask);
        }

        /** The output channel of filter {@code o0 + r} of the group. */
        private String filter(String o0, int r) {
            return ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(s.groupOutChannels())), ConvIr.add(f, o0, Integer.toString(r)));
        }
    }
}
