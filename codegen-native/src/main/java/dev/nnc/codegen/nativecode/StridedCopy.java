package dev.nnc.codegen.nativecode;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy that writes its output in order and reads output element {@code (i_0, ..., i_r-1)}
 * from input element {@code base + sum(i_d * strides[d])}: a transpose (the input's strides
 * permuted) and a slice (strides times steps, base at the starts) are both this.
 *
 * <p>{@link #canonical} drops dims of size 1 and merges neighbours that the input walks as
 * one, so that {@code [N, C, H, W] -> [N, H, W, C]} becomes {@code [N, C, HW] -> [N, HW, C]}.
 * {@link #copyRows} copies along the last dim: {@code llvm.memcpy} when it is contiguous in
 * the input, an element loop with its stride otherwise. Long rows are cut into chunks so
 * that threads can share even a single row.
 */
record StridedCopy(List<Dim> sizes, List<Dim> strides, Dim base) {
    /** Elements of a row one unit copies at most. */
    static final long CHUNK = 4096;

    StridedCopy {
        sizes = List.copyOf(sizes);
        strides = List.copyOf(strides);
    }

    /** Output dim i is x's dim perm[i]. */
    static StridedCopy of(Kernel.Transpose t) {
        List<Dim> in = stridesOf(t.x().type().shape());
        List<Dim> sizes = new ArrayList<>(), strides = new ArrayList<>();
        for (int p : t.perm()) {
            sizes.add(t.x().type().shape().dim(p));
            strides.add(in.get(p));
        }
        return new StridedCopy(sizes, strides, Dim.of(0));
    }

    /** Output index i_d reads x at {@code starts[d] + i_d * steps[d]}. */
    static StridedCopy of(Kernel.Slice s) {
        List<Dim> in = stridesOf(s.x().type().shape());
        List<Dim> strides = new ArrayList<>();
        Dim base = Dim.of(0);
        for (int d = 0; d < in.size(); d++) {
            strides.add(in.get(d).times(Dim.of(s.steps().get(d))));
            base = base.plus(in.get(d).times(Dim.of(s.starts().get(d))));
        }
        return new StridedCopy(s.out().type().shape().dims(), strides, base);
    }

    /** The same copy with dims of size 1 dropped and merged runs; at least one dim. */
    StridedCopy canonical() {
        List<Dim> sz = new ArrayList<>(), st = new ArrayList<>();
        for (int d = 0; d < sizes.size(); d++) {
            if (sizes.get(d).equals(Dim.of(1))) continue;
            int last = sz.size() - 1;
            if (last >= 0 && st.get(last).equals(strides.get(d).times(sizes.get(d)))) {
                sz.set(last, sz.get(last).times(sizes.get(d)));
                st.set(last, strides.get(d));
            } else {
                sz.add(sizes.get(d));
                st.add(strides.get(d));
            }
        }
        if (sz.isEmpty()) return new StridedCopy(List.of(Dim.of(1)), List.of(Dim.of(1)), base);
        return new StridedCopy(sz, st, base);
    }

    int rank() { return sizes.size(); }

    /** Row-major strides of the output. */
    List<Dim> outputStrides() {
        return stridesOf(new Shape(sizes));
    }

    /** Units of {@link #copyRows}: each output row (all dims but the last) in chunks of at most {@link #CHUNK}. */
    String rowUnits(KernelEnv env, FunctionWriter f) {
        return f.let("mul i64 %s, %s", env.dim(f, AxisSplit.product(new Shape(sizes), 0, rank() - 1)), chunks(env, f));
    }

    /** Copies units {@code [from, to)} of {@link #rowUnits} from {@code x} to {@code out} (float pointers). */
    void copyRows(KernelEnv env, FunctionWriter f, String x, String out, String from, String to) {
        int r = rank();
        List<String> counts = new ArrayList<>();
        for (int d = 0; d < r - 1; d++) counts.add(env.dim(f, sizes.get(d)));
        counts.add(chunks(env, f));
        String rowLength = env.dim(f, sizes.getLast()), step = env.dim(f, strides.getLast());
        List<Dim> outStrides = outputStrides();
        Simd v = new Simd(f, env);
        Odometer.forEach(f, counts, from, to, at -> {
            String first = f.let("mul i64 %s, %d", at.getLast(), CHUNK);
            f.module().declare("declare i64 @llvm.umin.i64(i64, i64)");
            String length = f.let("call i64 @llvm.umin.i64(i64 %s, i64 %d)", f.let("sub i64 %s, %s", rowLength, first), CHUNK);
            String src = f.let("add i64 %s, %s", env.dim(f, base), f.let("mul i64 %s, %s", first, step));
            String dst = first;
            for (int d = 0; d < r - 1; d++) {
                src = f.let("add i64 %s, %s", src, f.let("mul i64 %s, %s", at.get(d), env.dim(f, strides.get(d))));
                dst = f.let("add i64 %s, %s", dst, f.let("mul i64 %s, %s", at.get(d), env.dim(f, outStrides.get(d))));
            }
            String source = v.at(x, src), target = v.at(out, dst);
            if (strides.getLast().equals(Dim.of(1))) {
                v.copy(target, source, length);
            } else {
                f.loop("0", length, 1, i -> {
                    String value = f.let("load float, ptr %s, align 4", v.at(source, f.let("mul i64 %s, %s", i, step)));
                    f.emit("store float %s, ptr %s, align 4", value, v.at(target, i));
                });
            }
        });
    }

    private String chunks(KernelEnv env, FunctionWriter f) {
        String length = env.dim(f, sizes.getLast());
        return f.let("udiv i64 %s, %d", f.let("add i64 %s, %d", length, CHUNK - 1), CHUNK);
    }

    /** Row-major strides of a shape. */
    static List<Dim> stridesOf(Shape s) {
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < s.rank(); d++) out.add(AxisSplit.product(s, d + 1, s.rank()));
        return out;
    }
}
