package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.ModuleLayout;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.ProgramSignature;
import dev.nnc.ir.kernel.Space;
import dev.nnc.runtime.cuda.KernelLaunch;
import dev.nnc.runtime.cuda.LaunchTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel program as one NVPTX LLVM module (IR text, before optimization): a {@code ptx_kernel}
 * {@code nnc_pI(ctx)} per load-time kernel and {@code nnc_kI(ctx)} per run-time kernel, each
 * with the grid it is launched on. {@code ctx} points to the context block in device memory,
 * laid out as {@link ModuleLayout} says (arena, symbols, inputs, outputs, weights, derived
 * weights; no workspaces), which is the runtime's {@code ContextBlock}.
 */
public record PtxModule(String name, String ir, ModuleLayout layout, List<Launch> prepare, List<Launch> kernels,
                        KernelProgram program, CudaTarget target) {

    /** A kernel function and its grid. */
    public record Launch(String symbol, Grid grid) {
        KernelLaunch host() { return grid.launch(symbol); }
    }

    public PtxModule {
        if (!layout.workspaces().isEmpty()) throw new IllegalArgumentException("CUDA kernels ask for no workspaces");
        prepare = List.copyOf(prepare);
        kernels = List.copyOf(kernels);
    }

    /** Integer inputs used as gather indices, with the size of the axis they index (checked before a run). */
    public Map<String, Long> indexBounds() {
        Map<String, Long> bounds = new HashMap<>();
        for (Kernel k : program.kernels()) {
            if (k instanceof Kernel.Gather g && g.indices().space() == Space.INPUT && g.data().type().shape().dim(g.axis()).isKnown()) {
                bounds.merge(g.indices().name(), g.data().type().shape().dim(g.axis()).known().getAsLong(), Math::min);
            }
        }
        return bounds;
    }

    /** The signature the runtime's {@code CudaCompiledModel} reads, with an {@code indices} line per gather-index input. */
    public String signature() {
        StringBuilder s = new StringBuilder(ProgramSignature.text(program, List.of()));
        for (var e : indexBounds().entrySet()) s.append("\nindices ").append(e.getKey()).append(' ').append(e.getValue());
        return s.toString();
    }

    /** How the host launches the kernels: the runtime's {@code LaunchTable}. */
    public LaunchTable launchTable() {
        return new LaunchTable(target.gpu(), program.arenaSize().toString(),
                prepare.stream().map(Launch::host).toList(), kernels.stream().map(Launch::host).toList());
    }

    static String prepareSymbol(int i) { return "nnc_p" + i; }

    static String kernelSymbol(int i) { return "nnc_k" + i; }
}
