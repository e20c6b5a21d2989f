package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/**
 * Convolutions as implicit GEMMs with register-blocked FMA tiles: a channels-last output runs
 * its vectors along the output channels against weights packed at load time
 * ({@link ConvChannelsLast}); a channels-first one along the output pixels against the OIHW
 * weights as they are ({@link ConvChannelsFirst}).
 */
final class Conv2dCodegen implements KernelCodegen<Kernel.Conv2d> {

    @Override
    public String units(Kernel.Conv2d k, KernelEnv env, FunctionWriter f) {
        return channelsLast(k) ? new ConvChannelsLast(k, env).units(env, f) : new ConvChannelsFirst(k, env).units(env, f);
    }

    @Override
    public void body(Kernel.Conv2d k, KernelEnv env, FunctionWriter f, String from, String to) {
        if (channelsLast(k)) {
            new ConvChannelsLast(k, env).body(env, f, from, to);
        } else {
            new ConvChannelsFirst(k, env).body(env, f, from, to);
        }
    }

    /** Weights final at load time are packed for a channels-last output; the channels-first one reads them in place. */
    @Override
    public boolean hasPrepare(Kernel.Conv2d k) {
        return channelsLast(k) && ConvWeightPanels.packable(k.weight());
    }

    @Override
    public void prepare(Kernel.Conv2d k, KernelEnv env, FunctionWriter f) {
        new ConvChannelsLast(k, env).prepare(env, f);
    }

    /** Whether the epilogue is more than the ReLU done in registers: then it runs on finished output rows. */
    static boolean epilogueOnRows(Kernel.Conv2d k) {
        return !k.epilogue().isNone() && !k.epilogue().isRelu();
    }

    /** A fused pooling is only scheduled for a channels-last output, the one layout the fusion pass makes. */
    private static boolean channelsLast(Kernel.Conv2d k) {
        if (k.pooled() && k.layout() != Kernel.Layout.NHWC) {
            throw new UnsupportedByNative("a pooled conv2d with a channels-first output (" + k.out().name() + ")");
        }
        return k.layout() == Kernel.Layout.NHWC;
    }
}
