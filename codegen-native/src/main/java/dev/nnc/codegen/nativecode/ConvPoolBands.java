package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/**
 * The schedule of a channels-last convolution with a fused max pooling ({@code pool=[kh,kw]},
 * stride = window, floor mode). A work unit is a band: image n, a pooled row py (or a few) and
 * a segment of pooled columns. Its kh convolution rows, over the segment's columns, are computed
 * tile by tile (the same tiles as without pooling) into a stack scratch buffer that stays in cache,
 * then each kh x kw window is reduced a channel vector at a time into {@code out[n, py, px, :]}:
 * the convolution's output never goes to memory.
 *
 * <p>The scratch holds at most 64 KiB when one window of every channel fits (a segment is then
 * as many pooled columns as fit); it is allocated per call, so threads never share it. When a
 * segment covers the whole width, the band's rows are one run of pixels (columns past the last
 * whole window included), so tiles run across row ends as they do without pooling, when that
 * takes fewer tiles than a run per row; a band may then take several pooled rows, in as many
 * as leave the fewest partial tiles. An image with few pooled rows is split in column
 * segments, so that a batch of one still has several units per thread.
 */
final class ConvPoolBands {
    /** Floats of the scratch buffer a segment aims at (64 KiB). */
    private static final int SCRATCH_FLOATS = 16384;
    /** Units an image should give at the smallest batch (a few per thread on small machines). */
    private static final int MIN_UNITS = 4;

    /** Computes conv pixels {@code [first, first + count)} into rows {@code outRow ..} of {@code out}. */
    @FunctionalInterface
    interface Tiles {
        void run(String first, String count, String out, String outRow);
    }

    private final Kernel.Conv2d k;
    private final ConvShape s;
    private final int tileRows, poolH, poolW, convH, convW, pooledH, pooledW, channels;
    /** Segments per pooled row, and pooled columns per segment (the last may have fewer). */
    private final int segments, segmentColumns;
    /** The band's conv rows are one run of pixels (one segment of the whole width). */
    private final boolean wholeRows;
    /** Conv pixels per scratch row. */
    private final int scratchRow;
    /** Pooled rows per band (more than one only for whole rows), and bands per image. */
    private final int bandRows, bands;

    ConvPoolBands(Kernel.Conv2d k, ConvShape s, int tileRows) {
        if (!k.epilogue().isNone() && !k.epilogue().isRelu()) {
            throw new UnsupportedByNative("a pooled conv2d with an epilogue other than relu (" + k.out().name() + ")");
        }
        this.k = k;
        this.s = s;
        this.tileRows = tileRows;
        this.poolH = k.pool().get(0);
        this.poolW = k.pool().get(1);
        this.convH = Math.toIntExact(k.convHeight());
        this.convW = Math.toIntExact(k.convWidth());
        this.pooledH = convH / poolH;
        this.pooledW = convW / poolW;
        this.channels = s.outChannels();
        // At least one window, however many channels: then the scratch may pass 64 KiB.
        int fit = Math.max(1, SCRATCH_FLOATS / (poolH * poolW * channels));
        int columns = Math.min(pooledW, fit);
        long batch = s.batch().isKnown() ? s.batch().known().getAsLong() : 1;
        long rowUnits = batch * pooledH;
        if (rowUnits < MIN_UNITS) {
            int wanted = (int) ((MIN_UNITS + rowUnits - 1) / rowUnits);
            columns = Math.min(columns, Math.max(1, (pooledW + wanted - 1) / wanted));
        }
        this.segments = (pooledW + columns - 1) / columns;
        this.segmentColumns = (pooledW + segments - 1) / segments;
        // One run when it takes fewer tiles than a run per row (which skips the columns past the last
        // window); then as many pooled rows per band as take the fewest tiles per image, within the
        // scratch and leaving an image several units.
        int rowTiles = pooledH * poolH * ((pooledW * poolW + tileRows - 1) / tileRows);
        int best = 0, bestTiles = rowTiles;
        if (segments == 1) {
            for (int r = 1; r <= pooledH && (long) r * poolH * convW * channels <= SCRATCH_FLOATS; r++) {
                if (r > 1 && batch * ((pooledH + r - 1) / r) < MIN_UNITS) break;
                int tiles = pooledH / r * runTiles(r) + runTiles(pooledH % r);
                if (tiles < bestTiles) {
                    best = r;
                    bestTiles = tiles;
                }
            }
        }
        this.wholeRows = best > 0;
        this.bandRows = Math.max(1, best);
        this.bands = (pooledH + bandRows - 1) / bandRows;
        this.scratchRow = wholeRows ? convW : segmentColumns * poolW;
    }

    /** Tiles of a run of {@code rows} whole pooled rows' conv rows. */
    private int runTiles(int rows) {
        return (rows * poolH * convW + tileRows - 1) / tileRows;
    }

    String units(KernelEnv env, FunctionWriter f) {
        return ConvIr.mul(f, env.dim(f, s.batch()), Integer.toString(bands * segments));
    }

    void body(KernelEnv env, FunctionWriter f, String from, String to, Tiles tiles) {
        String scratch = f.alloca("float", (long) bandRows * poolH * scratchRow * channels, 64);
        f.loop(from, to, 1, t -> {
            String segment = ConvIr.rem(f, t, Integer.toString(segments)), band = ConvIr.div(f, t, Integer.toString(segments));
            String n = ConvIr.div(f, band, Integer.toString(bands));
            String py = ConvIr.mul(f, ConvIr.rem(f, band, Integer.toString(bands)), Integer.toString(bandRows));
            String px0 = ConvIr.mul(f, segment, Integer.toString(segmentColumns));
            String columns = ConvIr.min(f, Integer.toString(segmentColumns), ConvIr.sub(f, Integer.toString(pooledW), px0));
            // The conv pixel (n, py * kh, 0), counted over (image, row, column) as the tiles count.
            String top = ConvIr.add(f, ConvIr.mul(f, n, Integer.toString(convH * convW)), ConvIr.mul(f, py, Integer.toString(poolH * convW)));
            String outPixel = ConvIr.add(f, ConvIr.mul(f, ConvIr.add(f, ConvIr.mul(f, n, Integer.toString(pooledH)), py), Integer.toString(pooledW)), px0);
            if (wholeRows) {
                String rows = ConvIr.min(f, Integer.toString(bandRows), ConvIr.sub(f, Integer.toString(pooledH), py));
                run(f, tiles, top, ConvIr.mul(f, rows, Integer.toString(poolH * convW)), scratch, "0");
                f.loop("0", rows, 1, r -> pool(env, f, ConvVectors.at(f, scratch, ConvIr.mul(f, r, Integer.toString(poolH * convW * channels))),
                        ConvIr.add(f, outPixel, ConvIr.mul(f, r, Integer.toString(pooledW))), columns));
            } else {
                String convColumns = ConvIr.mul(f, columns, Integer.toString(poolW));
                String left = ConvIr.add(f, top, ConvIr.mul(f, px0, Integer.toString(poolW)));
                f.loop("0", Integer.toString(poolH), 1, wy -> run(f, tiles, ConvIr.add(f, left, ConvIr.mul(f, wy, Integer.toString(convW))),
                        convColumns, scratch, ConvIr.mul(f, wy, Integer.toString(scratchRow))));
                pool(env, f, scratch, outPixel, columns);
            }
        });
    }

    /** {@code count} conv pixels from {@code first}, a tile at a time, into the scratch from row {@code row}. */
    private void run(FunctionWriter f, Tiles tiles, String first, String count, String scratch, String row) {
        f.loop("0", count, tileRows, r -> tiles.run(ConvIr.add(f, first, r),
                ConvIr.min(f, Integer.toString(tileRows), ConvIr.sub(f, count, r)), scratch, ConvIr.add(f, row, r)));
    }

    /**
     * The max of each window of the scratch, {@code columns} windows side by side, into out from
     * pixel {@code outPixel}. NaN propagates, as in the max pooling kernel.
     */
    private void pool(KernelEnv env, FunctionWriter f, String scratch, String outPixel, String columns) {
        int l = env.lanes();
        VectorOps ops = VectorOps.floats(f, l);
        String out = env.ptr(f, k.out());
        int full = channels / l * l;
        f.loop("0", columns, 1, px -> {
            String window = ConvVectors.at(f, scratch, ConvIr.mul(f, px, Integer.toString(poolW * channels)));
            String dst = ConvVectors.at(f, out, ConvIr.mul(f, ConvIr.add(f, outPixel, px), Integer.toString(channels)));
            if (full > 0) {
                f.loop("0", Integer.toString(full), l, c -> ops.store(windowMax(f, ops, window, c, null), ConvVectors.at(f, dst, c)));
            }
            if (full < channels) {
                String mask = ConvVectors.lanesBelow(f, l, 0, Integer.toString(channels - full));
                ops.maskedStore(windowMax(f, ops, window, Integer.toString(full), mask), ConvVectors.at(f, dst, Integer.toString(full)), mask);
            }
        });
    }

    /** The max over the window's kh x kw scratch pixels of the channel vector at c (masked when mask is not null). */
    private String windowMax(FunctionWriter f, VectorOps ops, String window, String c, String mask) {
        String max = null;
        for (int wy = 0; wy < poolH; wy++) {
            for (int wx = 0; wx < poolW; wx++) {
                String at = ConvVectors.at(f, window, ConvIr.add(f, c, Integer.toString((wy * scratchRow + wx) * channels)));
                String v = mask == null ? ops.load(at) : ops.maskedLoad(at, mask);
                max = max == null ? v : ops.maximum(max, v);
            }
        }
        return max;
    }
}
