package dev.nnc.codegen.jvm;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * How an elementwise kernel walks its operands: the output's dims with size-1 dims dropped
 * and adjacent dims merged wherever every input is either contiguous across both or
 * broadcast across both. {@code present[i][d]} says input i varies along merged dim d
 * (otherwise it is broadcast there, stride 0). Most kernels end up with one or two dims.
 */
record BroadcastPlan(List<Dim> sizes, boolean[][] present) {

    static BroadcastPlan of(Kernel.Elementwise k) {
        List<Dim> out = k.out().type().shape().dims();
        int rank = out.size(), inputs = k.ins().size();
        List<Dim> sizes = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            Dim size = out.get(d);
            if (size.equals(Dim.of(1))) continue; // index is always 0 there
            boolean[] mask = new boolean[inputs];
            for (int i = 0; i < inputs; i++) {
                List<Dim> in = k.ins().get(i).type().shape().dims();
                int axis = d - (rank - in.size());
                mask[i] = axis >= 0 && !in.get(axis).equals(Dim.of(1));
            }
            if (!sizes.isEmpty() && java.util.Arrays.equals(masks.getLast(), mask)) {
                sizes.set(sizes.size() - 1, sizes.getLast().times(size));
            } else {
                sizes.add(size);
                masks.add(mask);
            }
        }
        if (sizes.isEmpty()) {
            sizes.add(Dim.of(1));
            masks.add(new boolean[inputs]);
        }
        boolean[][] present = new boolean[inputs][sizes.size()];
        for (int d = 0; d < sizes.size(); d++) for (int i = 0; i < inputs; i++) present[i][d] = masks.get(d)[i];
        return new BroadcastPlan(sizes, present);
    }

    int rank() { return sizes.size(); }
}
