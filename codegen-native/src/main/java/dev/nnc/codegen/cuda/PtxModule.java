package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.ModuleLayout;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import java.util.List;

/**
 * A kernel program as one NVPTX LLVM module (IR text, before optimization): a {@code ptx_kernel}
 * {@code nnc_pI(ctx)} per load-time kernel and {@code nnc_kI(ctx)} per run-time kernel, each
 * with the grid it is launched on. {@code ctx} points to the context block in device memory,
 * laid out as {@link ModuleLayout} says (arena, symbols, inputs, outputs, weights, derived
 * weights; no workspaces).
 */
public record PtxModule(String name, String ir, ModuleLayout layout, List<Launch> prepare, List<Launch> kernels,
                        KernelProgram program) {

    /** A kernel function and its grid. */
    public record Launch(String symbol, Grid grid) {}

    public PtxModule {
        prepare = List.copyOf(prepare);
        kernels = List.copyOf(kernels);
    }

    /** Integer inputs used as gather indices, with the size of the axis they index (checked before a run). */
    public java.util.Map<String, Long> indexBounds() {
        java.util.Map<String, Long> bounds = new java.util.HashMap<>();
        for (Kernel k : program.kernels()) {
            if (k instanceof Kernel.Gather g && g.indices().space() == Space.INPUT && g.data().type().shape().dim(g.axis()).isKnown()) {
                bounds.merge(g.indices().name(), g.data().type().shape().dim(g.axis()).known().getAsLong(), Math::min);
            }
        }
        return bounds;
    }

    static String prepareSymbol(int i) { return "nnc_p" + i; }

    static String kernelSymbol(int i) { return "nnc_k" + i; }
}
