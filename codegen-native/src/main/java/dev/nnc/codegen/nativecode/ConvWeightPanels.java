package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Space;

/**
 * The right operand of a channels-last convolution, {@code Wt[depth, outChannels]} per group:
 * panels of {@code width} output channels. Weights that are final at load time are packed then
 * into a workspace, each (group, panel, depth block) a row-major {@code [block depth, width]}
 * slab in the order the patch panel has its depth steps (zeros past the group's channels), so
 * that a step's vectors are contiguous loads. Weights computed at run time are read from the
 * OIHW tensor as they are, a masked gather per vector.
 */
final class ConvWeightPanels {
    private final ConvShape s;
    private final ConvDepthBlocks blocks;
    private final Buf weight;
    /** Depth steps ordered channel by channel (c, tap) rather than tap by tap (tap, c). */
    private final boolean channelMajor;
    private final int width;

    ConvWeightPanels(ConvShape s, ConvDepthBlocks blocks, Buf weight, boolean channelMajor, int width) {
        this.s = s;
        this.blocks = blocks;
        this.weight = weight;
        this.channelMajor = channelMajor;
        this.width = width;
    }

    /** Whether the weights are final at load time, so that they can be packed then. */
    static boolean packable(Buf weight) { return weight.space() == Space.WEIGHT; }

    boolean packed() { return packable(weight); }

    private int panelsPerGroup() { return (s.groupOutChannels() + width - 1) / width; }

    private long elements() { return (long) s.groups() * panelsPerGroup() * s.depth() * width; }

    /**
     * b(p, v) of panel {@code panel} of group {@code group} in the depth block from channel
     * {@code firstChannel} of {@code channelCount} channels (i64 values): a vector of output
     * channels {@code panel * width + v * lanes ..}, zero past the group's.
     */
    ConvRegisterTile.StepVectors operand(KernelEnv env, FunctionWriter f, String group, String panel,
                                         String firstChannel, String channelCount) {
        String panelIndex = ConvIr.add(f, ConvIr.mul(f, group, Integer.toString(panelsPerGroup())), panel);
        if (packed()) {
            String slab = ConvVectors.at(f, env.workspace(f, "panels", elements()), slabOffset(f, panelIndex, firstChannel));
            VectorOps ops = VectorOps.floats(f, env.lanes());
            return (p, v) -> ops.load(ConvVectors.at(f, slab,
                    ConvIr.add(f, ConvIr.mul(f, p, Integer.toString(width)), Integer.toString(v * env.lanes()))));
        }
        int l = env.lanes();
        String w = env.ptr(f, weight);
        String depth = Integer.toString(s.depth());
        String firstOut = ConvIr.mul(f, panel, Integer.toString(width));
        String groupBase = ConvVectors.at(f, w, ConvIr.mul(f, ConvIr.mul(f, group, Integer.toString(s.groupOutChannels())), depth));
        return (p, v) -> {
            String inPanel = ConvIr.add(f, firstOut, Integer.toString(v * l));
            String mask = ConvVectors.lanesBelow(f, l, 0, ConvIr.toI32(f, ConvIr.sub(f, Integer.toString(s.groupOutChannels()), inPanel)));
            String rows = f.let("mul <%d x i32> %s, %s", l, ConvVectors.laneIndices(l, 0), ConvVectors.splat(f, l, "i32", depth));
            String step = ConvIr.add(f, ConvIr.mul(f, inPanel, depth), weightIndex(f, p, firstChannel, channelCount));
            String offsets = f.let("add <%d x i32> %s, %s", l, rows, ConvVectors.splat(f, l, "i32", ConvIr.toI32(f, step)));
            return ConvVectors.gather(f, env, groupBase, offsets, mask);
        };
    }

    /** Load-time packing of the OIHW weights into the panels. */
    void pack(KernelEnv env, FunctionWriter f) {
        String panels = env.workspace(f, "panels", elements());
        String w = env.ptr(f, weight);
        f.loop("0", Integer.toString(s.groups()), 1, g -> f.loop("0", Integer.toString(s.groupOutChannels()), 1, o ->
                f.loop("0", Integer.toString(s.groupChannels()), 1, c -> f.loop("0", Integer.toString(s.taps()), 1, tap -> {
                    String firstChannel = ConvIr.mul(f, ConvIr.div(f, c, Integer.toString(blocks.perBlock())), Integer.toString(blocks.perBlock()));
                    String count = ConvIr.min(f, Integer.toString(blocks.perBlock()), ConvIr.sub(f, Integer.toString(s.groupChannels()), firstChannel));
                    String inBlock = ConvIr.sub(f, c, firstChannel);
                    String step = channelMajor ? ConvIr.add(f, ConvIr.mul(f, inBlock, Integer.toString(s.taps())), tap)
                            : ConvIr.add(f, ConvIr.mul(f, tap, count), inBlock);
                    String panelIndex = ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(panelsPerGroup())),
                            ConvIr.div(f, o, Integer.toString(width)));
                    String dst = ConvIr.add(f, ConvIr.add(f, slabOffset(f, panelIndex, firstChannel), ConvIr.mul(f, step, Integer.toString(width))),
                            ConvIr.rem(f, o, Integer.toString(width)));
                    String outChannel = ConvIr.add(f, ConvIr.mul(f, g, Integer.toString(s.groupOutChannels())), o);
                    String src = ConvIr.add(f, ConvIr.mul(f, ConvIr.add(f, ConvIr.mul(f, outChannel, Integer.toString(s.groupChannels())), c),
                            Integer.toString(s.taps())), tap);
                    String value = f.let("load float, ptr %s, align 4", ConvVectors.at(f, w, src));
                    f.emit("store float %s, ptr %s, align 4", value, ConvVectors.at(f, panels, dst));
                }))));
    }

    /** Where the slab of a panel's depth block starts. */
    private String slabOffset(FunctionWriter f, String panelIndex, String firstChannel) {
        String row = ConvIr.add(f, ConvIr.mul(f, panelIndex, Integer.toString(s.depth())), ConvIr.mul(f, firstChannel, Integer.toString(s.taps())));
        return ConvIr.mul(f, row, Integer.toString(width));
    }

    /** Offset in an OIHW filter of the block's depth step p: channel-major steps are the filter's own order. */
    private String weightIndex(FunctionWriter f, String p, String firstChannel, String channelCount) {
        String blockStart = ConvIr.mul(f, firstChannel, Integer.toString(s.taps()));
        if (channelMajor) return ConvIr.add(f, blockStart, p);
        String tap = ConvIr.div(f, p, channelCount), c = ConvIr.rem(f, p, channelCount);
        return ConvIr.add(f, ConvIr.add(f, blockStart, ConvIr.mul(f, c, Integer.toString(s.taps()))), tap);
    }
}
