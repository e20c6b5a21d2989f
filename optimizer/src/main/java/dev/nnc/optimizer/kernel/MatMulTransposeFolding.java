package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Transpose;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds a transpose of the last two dims into the matmuls that read it: {@code t =
 * transpose(x) {perm=[..,r-1,r-2]}; matmul(a, t)} becomes {@code matmul(a, x) {transB=true}}
 * (operand a likewise with transA; a flag already set is cleared). The stdlib's dense layer
 * computes {@code x @ transpose(weight)} with PyTorch's [out, in] weight, so this makes every
 * dense layer a matmul over the stored weight.
 *
 * <p>Applies only when every read of the transpose's output is a matmul's operand a or b,
 * with the transposed shape (no view): a bias, an epilogue input, a program output or any
 * other reader needs the transposed elements in memory, so the transpose stays. Matmuls then
 * read x later than the transpose did, so a program whose arena storages already share
 * elements (memory planning ran) is returned unchanged.
 */
public final class MatMulTransposeFolding implements KernelPass {
    @Override public String name() { return "fold-transposes"; }

    @Override public String description() {
        return "fold transposes of the last two dims into the transA/transB flags of the matmuls that read them";
    }

    @Override public KernelProgram run(KernelProgram in) {
        if (!BufUses.separateSlots(in.kernels())) return in;
        List<Kernel> kernels = new ArrayList<>(in.kernels());
        BufUses uses = new BufUses(in.kernels());
        Set<Integer> removed = new HashSet<>();
        for (int i = 0; i < kernels.size(); i++) {
            if (!(kernels.get(i) instanceof Transpose t) || !swapsLastTwo(t) || !foldable(t, i, uses, kernels)) continue;
            removed.add(i);
            for (BufUses.Read r : uses.reads(t.out())) {
                kernels.set(r.kernel(), fold((MatMul) kernels.get(r.kernel()), t));
            }
        }
        if (removed.isEmpty()) return in;
        List<Kernel> kept = new ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) if (!removed.contains(i)) kept.add(kernels.get(i));
        return in.withKernels(kept, in.arenaSize());
    }

    private static boolean swapsLastTwo(Transpose t) {
        List<Integer> perm = t.perm();
        int r = perm.size();
        if (r < 2) return false;
        for (int i = 0; i < r - 2; i++) if (perm.get(i) != i) return false;
        return perm.get(r - 2) == r - 1 && perm.get(r - 1) == r - 2;
    }

    private static boolean foldable(Transpose t, int index, BufUses uses, List<Kernel> kernels) {
        if (!uses.producedOnlyBy(t.out(), index) || uses.reads(t.out()).isEmpty()) return false;
        for (BufUses.Read r : uses.reads(t.out())) {
            if (!(kernels.get(r.kernel()) instanceof MatMul m) || !r.buf().type().equals(t.out().type())) return false;
            if (uses.writtenBetween(t.x(), index, r.kernel())) return false;
            // The transposed storage may appear only as operand a or b, never as the bias or an epilogue input.
            List<Buf> others = new ArrayList<>(m.epilogue().ins());
            if (m.bias() != null) others.add(m.bias());
            if (others.stream().anyMatch(b -> b.sameStorage(t.out()))) return false;
        }
        return true;
    }

    private static MatMul fold(MatMul m, Transpose t) {
        boolean a = m.a().sameStorage(t.out()), b = m.b().sameStorage(t.out());
        return new MatMul(m.out(), a ? t.x() : m.a(), b ? t.x() : m.b(), m.bias(),
                a != m.transA(), b != m.transB(), m.epilogue());
    }
}
