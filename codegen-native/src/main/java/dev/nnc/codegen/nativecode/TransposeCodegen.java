package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Transpose, as the canonical {@link StridedCopy} (size-1 dims dropped, dims that stay
 * together merged). When the output's last dim is also contiguous in x, it is row copies.
 * Otherwise x's contiguous dim (call it p) is some other output dim, and the copy goes in
 * {@code L x L} tiles (L the vector width): L vectors loaded along p (contiguous in x),
 * transposed in registers, stored as L vectors along the output's last dim (contiguous in
 * out). A unit is a strip of L elements of p for one index of the remaining dims; it walks
 * the output's last dim a tile at a time. Partial tiles are masked.
 */
final class TransposeCodegen implements KernelCodegen<Kernel.Transpose> {
    @Override
    public String units(Kernel.Transpose k, KernelEnv env, FunctionWriter f) {
        StridedCopy plan = StridedCopy.of(k).canonical();
        if (copiesRows(plan)) return plan.rowUnits(env, f);
        List<String> counts = tileCounts(plan, new Simd(f, env), env);
        String units = counts.getFirst();
        for (String c : counts.subList(1, counts.size())) units = f.let("mul i64 %s, %s", units, c);
        return units;
    }

    @Override
    public void body(Kernel.Transpose k, KernelEnv env, FunctionWriter f, String from, String to) {
        StridedCopy plan = StridedCopy.of(k).canonical();
        String x = env.ptr(f, k.x()), out = env.ptr(f, k.out());
        if (copiesRows(plan)) {
            plan.copyRows(env, f, x, out, from, to);
            return;
        }
        Simd v = new Simd(f, env);
        int l = v.lanes(), p = contiguousDim(plan), last = plan.rank() - 1;
        List<Integer> others = otherDims(plan);
        List<Dim> outStrides = plan.outputStrides();
        String pSize = env.dim(f, plan.sizes().get(p)), lastSize = env.dim(f, plan.sizes().get(last));
        String lastStride = env.dim(f, plan.strides().get(last)), pOutStride = env.dim(f, outStrides.get(p));
        Odometer.forEach(f, tileCounts(plan, v, env), from, to, at -> {
            String pFirst = f.let("mul i64 %s, %d", at.getLast(), l);
            String src = pFirst, dst = f.let("mul i64 %s, %s", pFirst, pOutStride);
            for (int i = 0; i < others.size(); i++) {
                int d = others.get(i);
                src = f.let("add i64 %s, %s", src, f.let("mul i64 %s, %s", at.get(i), env.dim(f, plan.strides().get(d))));
                dst = f.let("add i64 %s, %s", dst, f.let("mul i64 %s, %s", at.get(i), env.dim(f, outStrides.get(d))));
            }
            String pMask = v.lanesBelow(pFirst, pSize);
            String srcBase = src, dstBase = dst;
            f.loop("0", lastSize, l, j -> {
                List<String> loaded = new ArrayList<>();
                for (int jj = 0; jj < l; jj++) {
                    String row = f.let("add i64 %s, %d", j, jj);
                    String mask = v.maskIf(f.let("icmp ult i64 %s, %s", row, lastSize), pMask);
                    String index = f.let("add i64 %s, %s", srcBase, f.let("mul i64 %s, %s", row, lastStride));
                    loaded.add(v.load(x, index, mask));
                }
                List<String> transposed = inRegisters(v, loaded);
                String lastMask = v.lanesBelow(j, lastSize);
                for (int ii = 0; ii < l; ii++) {
                    String inside = f.let("icmp ult i64 %s, %s", f.let("add i64 %s, %d", pFirst, ii), pSize);
                    String index = f.let("add i64 %s, %s", dstBase,
                            f.let("add i64 %s, %s", j, f.let("mul i64 %s, %d", pOutStride, ii)));
                    v.store(transposed.get(ii), out, index, v.maskIf(inside, lastMask));
                }
            });
        });
    }

    /**
     * The transpose of an L x L matrix held as L row vectors: each stage swaps the
     * off-diagonal h x h blocks of every 2h x 2h block (h = L/2, ..., 1), one two-input
     * shuffle per row.
     */
    static List<String> inRegisters(Simd v, List<String> rows) {
        int l = rows.size();
        String[] r = rows.toArray(String[]::new);
        for (int h = l / 2; h >= 1; h /= 2) {
            int[] low = new int[l], high = new int[l];
            for (int c = 0; c < l; c++) {
                boolean right = (c & h) != 0;
                low[c] = right ? l + c - h : c;
                high[c] = right ? l + c : c + h;
            }
            for (int i = 0; i < l; i++) {
                if ((i & h) != 0) continue;
                String a = r[i], b = r[i + h];
                r[i] = v.shuffle(a, b, low);
                r[i + h] = v.shuffle(a, b, high);
            }
        }
        return List.of(r);
    }

    /** Whether the output's last dim is contiguous in x, so that the transpose is row copies. */
    private static boolean copiesRows(StridedCopy plan) {
        return plan.strides().getLast().equals(Dim.of(1));
    }

    /** The output dim that is contiguous in x (x's last dim, which every transpose keeps somewhere). */
    private static int contiguousDim(StridedCopy plan) {
        int p = plan.strides().indexOf(Dim.of(1));
        if (p < 0) throw new IllegalStateException("no dim of " + plan + " has stride 1");
        return p;
    }

    /** The output dims other than the contiguous one and the last, in order. */
    private static List<Integer> otherDims(StridedCopy plan) {
        List<Integer> others = new ArrayList<>();
        int p = contiguousDim(plan);
        for (int d = 0; d < plan.rank() - 1; d++) if (d != p) others.add(d);
        return others;
    }

    /** The odometer of the tile units: the sizes of the other dims, then the strips of L along the contiguous dim. */
    private static List<String> tileCounts(StridedCopy plan, Simd v, KernelEnv env) {
        FunctionWriter f = v.f();
        List<String> counts = new ArrayList<>();
        for (int d : otherDims(plan)) counts.add(env.dim(f, plan.sizes().get(d)));
        String pSize = env.dim(f, plan.sizes().get(contiguousDim(plan)));
        counts.add(f.let("udiv i64 %s, %d", f.let("add i64 %s, %d", pSize, v.lanes() - 1), v.lanes()));
        return counts;
    }
}
