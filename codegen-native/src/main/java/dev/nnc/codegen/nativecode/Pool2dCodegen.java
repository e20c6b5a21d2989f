package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** Max and average pooling: vectors along the channels of a channels-last x ({@link PoolChannelsLast}), along the width of a channels-first one ({@link PoolChannelsFirst}). */
final class Pool2dCodegen implements KernelCodegen<Kernel.Pool2d> {

    @Override
    public String units(Kernel.Pool2d k, KernelEnv env, FunctionWriter f) {
        return channelsLast(k) ? new PoolChannelsLast(k).units(env, f) : new PoolChannelsFirst(k).units(env, f);
    }

    @Override
    public void body(Kernel.Pool2d k, KernelEnv env, FunctionWriter f, String from, String to) {
        if (channelsLast(k)) {
            new PoolChannelsLast(k).body(env, f, from, to);
        } else {
            new PoolChannelsFirst(k).body(env, f, from, to);
        }
    }

    private static boolean channelsLast(Kernel.Pool2d k) {
        return k.layout() == Kernel.Layout.NHWC;
    }
}
