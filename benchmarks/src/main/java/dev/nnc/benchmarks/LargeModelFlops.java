package dev.nnc.benchmarks;

/**
 * {@link ModelFlops} for the large models, read where {@link LargeModelBenchmark} reads them:
 * prints {@code MODEL TOTAL CONV} per model, 2·MACs per batch element (a sequence or an image).
 */
public final class LargeModelFlops {
    private LargeModelFlops() {}

    public static void main(String[] args) {
        for (String model : args) {
            long[] f = ModelFlops.count(LargeModels.graph(model), LargeModels.symbols(1));
            System.out.printf("%s %d %d%n", model, f[0], f[1]);
        }
    }
}
