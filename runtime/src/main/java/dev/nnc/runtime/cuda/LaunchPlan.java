package dev.nnc.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The launches of a call: each kernel's blocks for the call's symbol values, kernels without work left out. */
public record LaunchPlan(List<Step> steps) {

    /** One launch: the kernel's index in its list, its symbol, blocks along x, y, z and threads per block. */
    public record Step(int kernel, String symbol, long[] blocks, int threads) {}

    public static LaunchPlan of(List<KernelLaunch> launches, Map<String, Long> symbols) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < launches.size(); i++) {
            KernelLaunch l = launches.get(i);
            long[] blocks = l.blocks(symbols);
            if (!KernelLaunch.empty(blocks)) steps.add(new Step(i, l.symbol(), blocks, l.threads()));
        }
        return new LaunchPlan(List.copyOf(steps));
    }
}
