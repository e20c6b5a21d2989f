package dev.nnc.optimizer;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Verifier;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.KernelVerifier;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.optimizer.graph.AlgebraicSimplification;
import dev.nnc.optimizer.graph.BatchNormFolding;
import dev.nnc.optimizer.graph.CommonSubexpressionElimination;
import dev.nnc.optimizer.graph.ConstantFolding;
import dev.nnc.optimizer.graph.DeadCodeElimination;
import dev.nnc.optimizer.kernel.ConvPoolFusion;
import dev.nnc.optimizer.kernel.ElementwiseFusion;
import dev.nnc.optimizer.kernel.EpilogueFusion;
import dev.nnc.optimizer.kernel.LayoutAssignment;
import dev.nnc.optimizer.kernel.LoadTimeHoisting;
import dev.nnc.optimizer.kernel.MatMulTransposeFolding;
import dev.nnc.optimizer.kernel.MemoryPlanning;
import dev.nnc.optimizer.kernel.PointwiseConvMatMul;
import dev.nnc.optimizer.kernel.RowFusion;
import dev.nnc.optimizer.kernel.WeightLayoutFolding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the optimization pipeline: graph passes, then {@link Lowering} (always, named
 * {@value #LOWER}), then kernel passes. Immutable: {@link #without} and {@link #firstPasses}
 * make the variants that {@code nnc verify} bisects with. After every step the matching IR
 * verifier runs unless switched off; a failure names the pass that broke the program.
 */
public final class PassManager {
    /** The name lowering reports under; it is not a pass and cannot be switched off. */
    public static final String LOWER = "lower";

    private final List<GraphPass> graphPasses;
    private final List<KernelPass> kernelPasses;
    private final boolean verifyEach;
    private final PassListener listener;

    public PassManager(List<GraphPass> graphPasses, List<KernelPass> kernelPasses) {
        this(graphPasses, kernelPasses, true, PassListener.NONE);
    }

    private PassManager(List<GraphPass> graphPasses, List<KernelPass> kernelPasses, boolean verifyEach,
                        PassListener listener) {
        this.graphPasses = List.copyOf(graphPasses);
        this.kernelPasses = List.copyOf(kernelPasses);
        this.verifyEach = verifyEach;
        this.listener = listener;
    }

    /** The default pipeline of a level. */
    public static PassManager forLevel(OptLevel level) {
        return switch (level) {
            case O0 -> new PassManager(List.of(), List.of());
            case O1 -> new PassManager(
                    List.of(new ConstantFolding(), new AlgebraicSimplification(), new CommonSubexpressionElimination(),
                            new DeadCodeElimination()),
                    List.of(new MatMulTransposeFolding(), new LoadTimeHoisting(), new ElementwiseFusion(),
                            new MemoryPlanning()));
            case O2 -> new PassManager(
                    List.of(new ConstantFolding(), new AlgebraicSimplification(), new BatchNormFolding(),
                            new CommonSubexpressionElimination(), new DeadCodeElimination()),
                    List.of(new MatMulTransposeFolding(), new LoadTimeHoisting(), new ElementwiseFusion(),
                            new RowFusion(), new EpilogueFusion(), new LayoutAssignment(), new ConvPoolFusion(), new PointwiseConvMatMul(), new WeightLayoutFolding(),
                            new MemoryPlanning()));
        };
    }

    /** Every pass in run order (graph passes first). */
    public List<Pass> passes() {
        List<Pass> all = new ArrayList<>(graphPasses);
        all.addAll(kernelPasses);
        return all;
    }

    /** The names of {@link #passes()} in order. */
    public List<String> passNames() { return passes().stream().map(Pass::name).toList(); }

    /** The same pipeline without the named passes; unknown names are an error that lists the known ones. */
    public PassManager without(Collection<String> names) {
        Set<String> unknown = new TreeSet<>(names);
        unknown.removeAll(passNames());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no pass named " + String.join(", ", unknown)
                    + " in this pipeline (passes: " + String.join(", ", passNames()) + ")");
        }
        return new PassManager(graphPasses.stream().filter(p -> !names.contains(p.name())).toList(),
                kernelPasses.stream().filter(p -> !names.contains(p.name())).toList(), verifyEach, listener);
    }

    /** Only the first {@code n} passes of {@link #passes()} (lowering always runs). */
    public PassManager firstPasses(int n) {
        int g = Math.min(n, graphPasses.size());
        int k = Math.max(0, Math.min(n - g, kernelPasses.size()));
        return new PassManager(graphPasses.subList(0, g), kernelPasses.subList(0, k), verifyEach, listener);
    }

    public PassManager verifyEach(boolean on) { return new PassManager(graphPasses, kernelPasses, on, listener); }

    public PassManager listener(PassListener l) { return new PassManager(graphPasses, kernelPasses, verifyEach, l); }

    /** Optimizes and lowers a verified graph. */
    public KernelProgram run(Graph graph) {
        Graph g = runGraphPasses(graph);
        long start = System.nanoTime();
        KernelProgram p = Lowering.lower(g);
        long nanos = System.nanoTime() - start;
        verify(LOWER, p);
        listener.afterKernelPass(LOWER, p, nanos);
        for (KernelPass pass : kernelPasses) {
            start = System.nanoTime();
            p = pass.run(p);
            nanos = System.nanoTime() - start;
            verify(pass.name(), p);
            listener.afterKernelPass(pass.name(), p, nanos);
        }
        return p;
    }

    /** Only the graph passes. */
    public Graph runGraphPasses(Graph graph) {
        Graph g = graph;
        for (GraphPass pass : graphPasses) {
            long start = System.nanoTime();
            g = pass.run(g);
            long nanos = System.nanoTime() - start;
            if (verifyEach) {
                try {
                    Verifier.verify(g);
                } catch (RuntimeException e) {
                    throw new PassFailedException(pass.name(), e);
                }
            }
            listener.afterGraphPass(pass.name(), g, nanos);
        }
        return g;
    }

    private void verify(String pass, KernelProgram p) {
        if (!verifyEach) return;
        try {
            KernelVerifier.verify(p);
        } catch (RuntimeException e) {
            throw new PassFailedException(pass, e);
        }
    }
}
