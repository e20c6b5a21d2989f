package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the native backend computes in: f32 tensors, with integer tensors only as gather indices given as inputs. */
final class NativeSupport {
    private NativeSupport() {}

    /** @throws UnsupportedByNative naming the first tensor the backend cannot hold */
    static void check(KernelProgram p) {
        Set<String> indexInputs = new HashSet<>();
        for (Kernel k : p.kernels()) {
            if (k instanceof Kernel.Gather g) {
                if (g.indices().space() != Space.INPUT) {
                    throw new UnsupportedByNative("gather indices computed inside the model (" + g.indices().name()
                            + "): the native backend takes integer tensors only as model inputs");
                }
                indexInputs.add(g.indices().name());
            }
        }
        List<Kernel> all = new ArrayList<>(p.prepare());
        all.addAll(p.kernels());
        for (Kernel k : all) {
            List<Buf> bufs = new ArrayList<>(k.ins());
            bufs.add(k.out());
            for (Buf b : bufs) {
                boolean indices = k instanceof Kernel.Gather g && b == g.indices();
                if (b.type().dtype() != DType.F32 && !indices) {
                    throw new UnsupportedByNative("tensor " + b.name() + " of type " + b.type()
                            + ": the native backend computes in f32 only (integer tensors may be model inputs used as indices)");
                }
            }
        }
        for (Buf in : p.inputs()) {
            if (in.type().dtype() != DType.F32 && !indexInputs.contains(in.name())) {
                throw new UnsupportedByNative("input " + in.name() + " of type " + in.type()
                        + ": the native backend takes f32 inputs, and integer inputs only as gather indices");
            }
        }
        for (Buf o : p.outputs()) {
            if (o.type().dtype() != DType.F32) {
                throw new UnsupportedByNative("output " + o.name() + " of type " + o.type() + ": the native backend writes f32 outputs only");
            }
        }
    }
}
