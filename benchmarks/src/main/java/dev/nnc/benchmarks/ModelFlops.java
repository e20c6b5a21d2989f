package dev.nnc.benchmarks;

import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import java.util.Map;

/**
 * Prints the floating-point operations of one example model call per batch element:
 * 2·MACs of convolutions and matmuls (the rest is a few percent), and the convolutions' share.
 * Usage: {@code ModelFlops mlp mnist_cnn ...}
 */
public final class ModelFlops {
    private ModelFlops() {}

    public static void main(String[] args) {
        for (String model : args) {
            long[] f = count(ModelBenchmark.graph(model), Map.of("B", 1L));
            System.out.printf("%s %d %d%n", model, f[0], f[1]);
        }
    }

    /**
     * {total, convolutions}: 2·MACs of the graph's convolutions and matmuls per batch element,
     * with the symbolic dims as {@code one} binds them (B to 1).
     */
    static long[] count(Graph g, Map<String, Long> one) {
        long conv = 0, matmul = 0;
        for (Node n : g.nodes()) {
            if (n.op() == Op.CONV2D) {
                int[] out = n.type().shape().eval(one), w = n.operand(1).type().shape().eval(one);
                conv += 2L * out[1] * out[2] * out[3] * w[1] * w[2] * w[3];
            } else if (n.op() == Op.MATMUL) {
                int[] out = n.type().shape().eval(one), a = n.operand(0).type().shape().eval(one);
                long rows = 1;
                for (int i = 0; i < out.length - 1; i++) rows *= out[i];
                matmul += 2L * rows * out[out.length - 1] * a[a.length - 1];
            }
        }
        return new long[] {conv + matmul, conv};
    }
}
