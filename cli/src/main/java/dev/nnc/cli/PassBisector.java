package dev.nnc.cli;

import dev.nnc.optimizer.GraphPass;
import dev.nnc.optimizer.Pass;
import dev.nnc.optimizer.PassManager;
import dev.nnc.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the first pass after which a pipeline's output leaves the reference: runs the first
 * k passes ({@link PassManager#firstPasses}) for a binary search over k, since passes run in
 * order and a prefix that diverges stays diverged. A run that throws counts as diverging.
 */
final class PassBisector {
    /** The outcome: {@code firstBad} passes were run when the output first diverged (0: with lowering alone). */
    record Finding(int firstBad, String pass, String description) {}

    private final Function<PassManager, Map<String, Tensor>> runner;
    private final Map<String, Tensor> reference;
    private final Tolerance tolerance;
    private final Map<Integer, Boolean> seen = new HashMap<>();
    private int runs;

    /** {@code runner} compiles and runs the program a pipeline produces, on fixed inputs and weights. */
    PassBisector(Function<PassManager, Map<String, Tensor>> runner, Map<String, Tensor> reference, Tolerance tolerance) {
        this.runner = runner;
        this.reference = reference;
        this.tolerance = tolerance;
    }

    /** Pipelines run so far (each distinct prefix once). */
    int runs() { return runs; }

    /**
     * The first diverging pass of {@code full}, or null when the whole pipeline matches the
     * reference after all (a failure that does not come from the passes).
     */
    Finding bisect(PassManager full) {
        List<Pass> passes = full.passes();
        int n = passes.size();
        if (!diverges(full, n)) return null;
        if (diverges(full, 0)) {
            return new Finding(0, PassManager.LOWER, "lowering or the backend (it diverges with no optimization pass)");
        }
        int good = 0, bad = n;
        while (bad - good > 1) {
            int mid = (good + bad) >>> 1;
            if (diverges(full, mid)) bad = mid;
            else good = mid;
        }
        Pass culprit = passes.get(bad - 1);
        return new Finding(bad, culprit.name(), culprit.name() + " (" + position(passes, bad - 1) + ")");
    }

    /** "graph pass 2 of 5" or "kernel pass 4 of 6". */
    static String position(List<Pass> passes, int index) {
        boolean graph = passes.get(index) instanceof GraphPass;
        long before = passes.subList(0, index).stream().filter(p -> (p instanceof GraphPass) == graph).count();
        long total = passes.stream().filter(p -> (p instanceof GraphPass) == graph).count();
        return (graph ? "graph" : "kernel") + " pass " + (before + 1) + " of " + total;
    }

    private boolean diverges(PassManager full, int k) {
        return seen.computeIfAbsent(k, n -> {
            runs++;
            try {
                return !OutputDiff.allPass(OutputDiff.compare(reference, runner.apply(full.firstPasses(n)), tolerance));
            } catch (RuntimeException broken) {
                return true;
            }
        });
    }
}
