package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution with a channels-last output as one implicit GEMM per group,
 * {@code out[pixels, O] = patches[pixels, depth] · Wt[depth, O]}: vectors run along the output
 * channels, a tile is {@code rows} output pixels times a panel of two vectors of channels.
 *
 * <p>A work unit is one tile of pixels (with a fused pooling, a band of tiles that write into a
 * scratch buffer instead of out: {@link ConvPoolBands}). Its patches are gathered once per depth
 * block into a stack panel (or read from x itself for a pointwise convolution) and multiplied with every
 * weight panel; bias and ReLU are applied in registers, another epilogue on the unit's rows
 * once they are done. x may be channels-last (rows of the panel are pixels, each tap a run of
 * channels) or channels-first (lanes are pixels, see {@link ConvLaneGather}).
 */
final class ConvChannelsLast {
    /** Floats of the stack panel a depth block's patches may take (64 KiB). */
    private static final int PANEL_FLOATS = 16384;

    private final Kernel.Conv2d k;
    private final ConvShape s;
    private final ConvRegisterTile full;
    /** Pixels gathered as lanes (x channels-first, or one channel), else as panel rows. */
    private final boolean lanes;
    /** Panel stride: between pixel rows (row gather) or between depth steps (lane gather). */
    private final int panelStride;
    private final ConvDepthBlocks blocks;
    private final ConvWeightPanels weights;
    /** The band schedule of a fused max pooling, else null. */
    private final ConvPoolBands bands;

    ConvChannelsLast(Kernel.Conv2d k, KernelEnv env) {
        this.k = k;
        this.s = ConvShape.of(k);
        this.full = new ConvRegisterTile(ConvRegisterTile.maxRows(env, 2), 2);
        this.lanes = k.inputLayout() == Kernel.Layout.NCHW || s.channels() == 1;
        int laneVectors = (full.rows() + env.lanes() - 1) / env.lanes();
        int maxDepth = lanes ? PANEL_FLOATS / (laneVectors * env.lanes()) : PANEL_FLOATS / full.rows();
        this.blocks = ConvDepthBlocks.of(s.groupChannels(), s.taps(), maxDepth);
        this.panelStride = lanes ? laneVectors * env.lanes() : blocks.maxDepth();
        this.weights = new ConvWeightPanels(s, blocks, k.weight(), lanes, 2 * env.lanes());
        this.bands = k.pooled() ? new ConvPoolBands(k, s, full.rows()) : null;
    }

    void prepare(KernelEnv env, FunctionWriter f) {
        weights.pack(env, f);
    }

    String units(KernelEnv env, FunctionWriter f) {
        if (bands != null) return bands.units(env, f);
        return ConvIr.ceilDiv(f, s.pixels(env, f), Integer.toString(full.rows()));
    }

    void body(KernelEnv env, FunctionWriter f, String from, String to) {
        String panel = f.alloca("float", (long) (lanes ? panelStride : full.rows()) * blocks.maxDepth(), 64);
        if (bands != null) {
            bands.body(env, f, from, to, (first, count, out, outRow) -> tile(env, f, panel, first, count, out, outRow));
            return;
        }
        String pixels = s.pixels(env, f);
        f.loop(from, to, 1, t -> {
            String first = ConvIr.mul(f, t, Integer.toString(full.rows()));
            String count = ConvIr.min(f, Integer.toString(full.rows()), ConvIr.sub(f, pixels, first));
            tile(env, f, panel, first, count, env.ptr(f, k.out()), first);
            if (Conv2dCodegen.epilogueOnRows(k)) {
                Epilogues.applyInPlace(env, f, k.out(), k.epilogue(), first, ConvIr.add(f, first, count));
            }
        });
    }

    /**
     * Output pixels {@code [first, first + count)} (over image, row, column; count at most a
     * tile's rows) of every channel, pixel {@code first + r} stored at row {@code outRow + r} of
     * {@code out}, rows {@code outChannels} floats apart (i64 values and a pointer).
     */
    private void tile(KernelEnv env, FunctionWriter f, String panel, String first, String count, String out, String outRow) {
        Tile tile = new Tile(env, f, first, count, out, outRow);
        if (s.groups() == 1) {
            tile.group("0", panel);
        } else {
            f.loop("0", Integer.toString(s.groups()), 1, g -> tile.group(g, panel));
        }
    }

    /** {@code count} output pixels from {@code first}, stored from row {@code outRow} of {@code out}. */
    private final class Tile {
        private final KernelEnv env;
        private final FunctionWriter f;
        private final String first, count, out, outRow;
        private final List<String> rowValid = new ArrayList<>();
        /** i1: the tile has all its rows. */
        private final String wholeTile;
        private final ConvLaneGather laneGather;

        Tile(KernelEnv env, FunctionWriter f, String first, String count, String out, String outRow) {
            this.env = env;
            this.f = f;
            this.first = first;
            this.count = count;
            this.out = out;
            this.outRow = outRow;
            for (int r = 0; r < full.rows(); r++) rowValid.add(ConvIr.less(f, Integer.toString(r), count));
            wholeTile = f.let("icmp eq i64 %s, %d", count, full.rows());
            laneGather = lanes ? new ConvLaneGather(f, env, s, env.ptr(f, k.x()), first, count, panelStride / env.lanes()) : null;
        }

        void group(String g, String panel) {
            blocks.forEach(f, (c0, channels, firstBlock, lastBlock) -> {
                String xChannel = ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(s.groupChannels())), c0);
                Patches a = patches(panel, xChannel, channels);
                int fullPanels = s.groupOutChannels() / (2 * env.lanes());
                int rest = s.groupOutChannels() % (2 * env.lanes());
                Block block = new Block(g, c0, channels, firstBlock, lastBlock, a);
                if (fullPanels > 0) f.loop("0", Integer.toString(fullPanels), 1, j -> block.multiply(full, j, 2 * env.lanes()));
                if (rest > 0) {
                    ConvRegisterTile tail = new ConvRegisterTile(full.rows(), (rest + env.lanes() - 1) / env.lanes());
                    block.multiply(tail, Integer.toString(fullPanels), rest);
                }
            });
        }

        /** The tile's patches of the block's channels: where a(r, p) lies. */
        private Patches patches(String panel, String xChannel, String channels) {
            String x = env.ptr(f, k.x());
            if (lanes) {
                laneGather.fill(panel, panelStride, xChannel, channels);
                return new Patches(panel, "1", Integer.toString(panelStride));
            }
            ConvRowGather rows = new ConvRowGather(f, env, s, x);
            if (!s.pointwise()) {
                rows.fill(panel, full.rows(), panelStride, first, count, xChannel, channels);
                return new Patches(panel, Integer.toString(panelStride), "1");
            }
            // Pointwise: a whole tile reads its rows of x in place; a short one must not read past x.
            String whole = wholeTile;
            String inPlace = ConvVectors.at(f, x, ConvIr.add(f, ConvIr.mul(f, first, Integer.toString(s.channels())), xChannel));
            f.ifThen(f.let("xor i1 %s, true", whole), () -> rows.fill(panel, full.rows(), panelStride, first, count, xChannel, channels));
            String base = f.let("select i1 %s, ptr %s, ptr %s", whole, inPlace, panel);
            String stride = f.let("select i1 %s, i64 %d, i64 %d", whole, s.channels(), panelStride);
            return new Patches(base, stride, "1");
        }

        /** A depth block of group g: its patches times each weight panel. */
        private final class Block {
            private final String g, c0, channels, firstBlock, lastBlock;
            private final Patches a;

            Block(String g, String c0, String channels, String firstBlock, String lastBlock, Patches a) {
                this.g = g;
                this.c0 = c0;
                this.channels = channels;
                this.firstBlock = firstBlock;
                this.lastBlock = lastBlock;
                this.a = a;
            }

            /** Panel j, of which {@code width} channels exist, into the tile's output rows. */
            void multiply(ConvRegisterTile tile, String j, int width) {
                int l = env.lanes();
                String channel = ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(s.groupOutChannels())), ConvIr.mul(f, j, Integer.toString(2 * l)));
                List<String> channelMask = new ArrayList<>();
                List<String> bias = new ArrayList<>();
                for (int v = 0; v < tile.vectors(); v++) {
                    String mask = width >= (v + 1) * l ? ConvVectors.allLanes() : ConvVectors.lanesBelow(f, l, v * l, Integer.toString(width));
                    channelMask.add(mask);
                    if (k.bias() != null) {
                        String at = ConvVectors.at(f, env.ptr(f, k.bias()), ConvIr.add(f, channel, Integer.toString(v * l)));
                        bias.add(VectorOps.floats(f, l).maskedLoad(at, mask));
                    }
                }
                ConvRegisterTile.Cells at = (r, v) -> ConvVectors.at(f, out, ConvIr.add(f,
                        ConvIr.mul(f, ConvIr.add(f, outRow, Integer.toString(r)), Integer.toString(s.outChannels())),
                        ConvIr.add(f, channel, Integer.toString(v * l))));
                ConvRegisterTile.Cells mask = (r, v) -> ConvVectors.maskIf(f, l, rowValid.get(r), channelMask.get(v));
                List<String> acc = tile.begin(f, env, firstBlock, k.bias() == null ? null : (r, v) -> bias.get(v), at, mask);
                ConvRegisterTile.StepVectors b = weights.operand(env, f, g, j, c0, channels);
                acc = tile.accumulate(f, env, acc, ConvIr.mul(f, channels, Integer.toString(s.taps())), a.in(f), b);
                tile.end(f, env, acc, lastBlock, k.epilogue().isRelu(), at, wholeTile, (r, v) -> channelMask.get(v), mask);
            }
        }
    }

    /** a(r, p) at {@code base + r * rowStride + p * stepStride} (i64 values). */
    private record Patches(String base, String rowStride, String stepStride) {
        ConvRegisterTile.RowScalars in(FunctionWriter f) {
            return (p, r) -> ConvVectors.at(f, base, ConvIr.add(f, ConvIr.mul(f, Integer.toString(r), rowStride), ConvIr.mul(f, p, stepStride)));
        }
    }
}
