package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Gather along an axis, one thread per output element: out coordinates are data's before the
 * axis, then the indices' coordinates, then data's after it. A negative index counts from the
 * end; the host refuses out-of-range indices before a run, and the kernel clamps into the axis
 * as well, so that no thread can read outside data.
 */
final class GatherCuda extends PerElement<Kernel.Gather> {
    @Override
    String element(Kernel.Gather k, KernelEnv env, FunctionWriter f, List<String> c) {
        Shape data = k.data().type().shape(), indices = k.indices().type().shape();
        int ir = indices.rank();
        List<String> indexCoords = c.subList(k.axis(), k.axis() + ir);
        String at = Indexing.offset(f, env, indices, indexCoords);
        // Indices are int64 model inputs (the only integer tensors the backend takes; see F32Support).
        String raw = f.let("load i64, ptr %s, align 8", f.let("getelementptr inbounds i64, ptr %s, i64 %s", env.ptr(f, k.indices()), at));
        String size = env.dim(f, data.dim(k.axis()));
        String wrapped = f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp slt i64 %s, 0", raw), Gpu.add(f, raw, size), raw);
        String low = f.let("select i1 %s, i64 0, i64 %s", f.let("icmp slt i64 %s, 0", wrapped), wrapped);
        String last = f.let("sub i64 %s, 1", size);
        String index = f.let("select i1 %s, i64 %s, i64 %s", f.let("icmp sgt i64 %s, %s", low, last), last, low);
        List<String> source = new ArrayList<>(c.subList(0, k.axis()));
        source.add(index);
        source.addAll(c.subList(k.axis() + ir, c.size()));
        return Gpu.load(f, env.ptr(f, k.data()), Indexing.offset(f, env, data, source));
    }
}
