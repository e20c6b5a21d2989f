package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How operands broadcast to an output (NumPy rules) line up with it, for the loops every backend
 * writes for elementwise kernels and epilogues, in the fewest dims: the
 * output's dims with size-1 dims dropped and neighbours merged wherever every operand varies
 * along both or is broadcast along both. Operands of the output's shape thus merge into one
 * flat dim; a bias [C] added to [B, T, C] leaves [B*T, C]. The last merged dim is the one
 * vectorized: contiguous in the output and in every operand that varies along it.
 *
 * @param sizes the merged dims, outermost first; never empty (a scalar output is [1])
 * @param varies {@code varies[i][d]}: operand i varies along merged dim d (else it is broadcast there)
 */
public record BroadcastPlan(List<Dim> sizes, boolean[][] varies) {

    /** The plan of an elementwise kernel's inputs against its output. */
    public static BroadcastPlan of(Kernel.Elementwise k) {
        return of(k.out().type().shape(), k.ins().stream().map(b -> b.type().shape()).toList());
    }

    public static BroadcastPlan of(Shape out, List<Shape> operands) {
        int rank = out.rank(), count = operands.size();
        List<Dim> sizes = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            Dim size = out.dim(d);
            if (size.equals(Dim.of(1))) continue;
            boolean[] mask = new boolean[count];
            for (int i = 0; i < count; i++) {
                Shape s = operands.get(i);
                int axis = d - (rank - s.rank());
                mask[i] = axis >= 0 && !s.dim(axis).equals(Dim.of(1));
            }
            if (!masks.isEmpty() && Arrays.equals(masks.getLast(), mask)) {
                sizes.set(sizes.size() - 1, sizes.getLast().times(size));
            } else {
                sizes.add(size);
                masks.add(mask);
            }
        }
        if (sizes.isEmpty()) {
            sizes.add(Dim.of(1));
            masks.add(new boolean[count]);
        }
        boolean[][] varies = new boolean[count][sizes.size()];
        for (int d = 0; d < sizes.size(); d++) for (int i = 0; i < count; i++) varies[i][d] = masks.get(d)[i];
        return new BroadcastPlan(List.copyOf(sizes), varies);
    }

    public int rank() { return sizes.size(); }

    /** The innermost merged dim, the one vectorized. */
    public Dim inner() { return sizes.getLast(); }

    public boolean variesInner(int operand) { return varies[operand][rank() - 1]; }

    /** True when the operand is one value for the whole output. */
    public boolean isUniform(int operand) {
        for (boolean b : varies[operand]) if (b) return false;
        return true;
    }

    /** The operand's element stride along merged dim d: the product of the later dims it varies along, or 0 where it is broadcast. */
    public Dim stride(int operand, int d) {
        if (!varies[operand][d]) return Dim.of(0);
        Dim s = Dim.of(1);
        for (int e = d + 1; e < rank(); e++) if (varies[operand][e]) s = s.times(sizes.get(e));
        return s;
    }
}
