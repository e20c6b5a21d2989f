package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.ProgramSignature;

/**
 * A kernel program as one LLVM module (IR text, before optimization) and the context layout
 * its functions expect. Exported functions, all taking {@code ptr %ctx} first:
 * <ul>
 *   <li>{@code void nnc_prepare(ctx)}: load-time work (derived weights, packed panels);</li>
 *   <li>{@code i64 nnc_arena_elements(ctx)}: arena floats needed for the symbols in ctx;</li>
 *   <li>{@code i64 nnc_kI_units(ctx)} and {@code void nnc_kI(ctx, i64 from, i64 to)} for each
 *       run-time kernel I in order: its work split into units, and the code for a range of them;</li>
 *   <li>{@code void nnc_schedule(ctx, int64_t* out)}: for every kernel I, {@code out[2I]} its
 *       units and {@code out[2I+1]} 1 when it is worth splitting over threads (see
 *       {@link KernelCost}), else 0 (run it on the calling thread);</li>
 *   <li>{@code void nnc_run(ctx, parallel_for, pool)}: every kernel in order, the ones worth
 *       splitting handed to {@code parallel_for(pool, kernel, ctx, units)}, which must run units
 *       [0, units) and return when all are done (a host's thread pool, or a plain loop).</li>
 * </ul>
 */
public record NativeModule(String name, String ir, ModuleLayout layout, int kernelCount, KernelProgram program) {

    /**
     * The signature the runtime's NativeCompiledModel reads: the program's, plus one line per
     * workspace and one per gather-index input with the size it indexes (checked before a run).
     */
    public String signature() {
        StringBuilder s = new StringBuilder(ProgramSignature.text(program, java.util.List.of(kernelCount + " native kernels")));
        for (ModuleLayout.Workspace w : layout.workspaces()) s.append("\nworkspace ").append(w.elements());
        for (var k : program.kernels()) {
            if (k instanceof dev.nnc.ir.kernel.Kernel.Gather g && g.indices().space() == dev.nnc.ir.kernel.Space.INPUT
                    && g.data().type().shape().dim(g.axis()).isKnown()) {
                s.append("\nindices ").append(g.indices().name()).append(' ').append(g.data().type().shape().dim(g.axis()));
            }
        }
        return s.toString();
    }

    public static String kernelSymbol(int i) { return "nnc_k" + i; }

    public static String unitsSymbol(int i) { return "nnc_k" + i + "_units"; }

    public static final String PREPARE = "nnc_prepare";
    public static final String ARENA_ELEMENTS = "nnc_arena_elements";
    public static final String RUN = "nnc_run";
    public static final String SCHEDULE = "nnc_schedule";
}
