package dev.nnc.ir.kernel;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the CPU backends compute in: f32 tensors, with integer tensors only as model inputs
 * used as gather indices or read (converted to f32) by elementwise kernels. Each backend refuses the rest with its own exception.
 */
public final class F32Support {
    private F32Support() {}

    /** Why {@code backend} (e.g. "the JVM backend") cannot run the program, naming the first offending tensor; empty when it can. */
    public static Optional<String> problem(KernelProgram p, String backend) {
        Set<String> indexInputs = new HashSet<>();
        for (Kernel k : p.kernels()) {
            if (k instanceof Kernel.Elementwise e) {
                for (Buf in : e.ins()) if (readsIntegerInput(e, in)) indexInputs.add(in.name());
            }
            if (k instanceof Kernel.Gather g) {
                if (g.indices().space() != Space.INPUT) {
                    return Optional.of("gather indices computed inside the model (" + ProgramSignature.typeText(g.indices())
                            + "): " + backend + " takes integer tensors only as model inputs");
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
                if (b.type().dtype() != DType.F32 && !indices && !readsIntegerInput(k, b)) {
                    return Optional.of("tensor " + b.name() + " of type " + ProgramSignature.typeText(b) + ": " + backend
                            + " computes in f32 only (integer tensors may be model inputs used as indices or converted to f32)");
                }
            }
        }
        for (Buf in : p.inputs()) {
            if (in.type().dtype() != DType.F32 && !indexInputs.contains(in.name())) {
                return Optional.of("input " + in.name() + " of type " + ProgramSignature.typeText(in) + ": " + backend
                        + " takes f32 inputs, and integer inputs only as gather indices or converted to f32");
            }
        }
        for (Buf w : p.weights()) {
            if (w.type().dtype() != DType.F32) {
                return Optional.of("weight " + w.name() + " of type " + ProgramSignature.typeText(w) + ": " + backend + " needs f32 weights");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code b} is an integer model input (held as i64) that the elementwise kernel {@code k} reads and converts
     * to f32 (an attention mask cast to a bias): both backends load such operands as integers.
     */
    public static boolean readsIntegerInput(Kernel k, Buf b) {
        return k instanceof Kernel.Elementwise e && e.ins().contains(b) && b != e.out()
                && b.space() == Space.INPUT && !b.type().dtype().isFloat();
    }
}
