package dev.nnc.codegen.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The launches of a call: each kernel's blocks for the call's symbol values, kernels without work left out. */
record LaunchPlan(List<Step> steps) {

    /** One launch: the kernel's index in its list, its symbol, blocks along x, y, z and threads per block. */
    record Step(int kernel, String symbol, long[] blocks, int threads) {}

    static LaunchPlan of(List<PtxModule.Launch> launches, Map<String, Long> symbols) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < launches.size(); i++) {
            PtxModule.Launch l = launches.get(i);
            long[] blocks = l.grid().blocks(symbols);
            if (!Grid.empty(blocks)) steps.add(new Step(i, l.symbol(), blocks, l.grid().threads()));
        }
        return new LaunchPlan(List.copyOf(steps));
    }
}
