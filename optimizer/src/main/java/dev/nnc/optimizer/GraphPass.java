package dev.nnc.optimizer;

import dev.nnc.ir.Graph;

/**
 * A pass over the graph IR. It returns an equivalent graph (same inputs, parameters it still
 * uses, and outputs with the same names and types), or the same graph when nothing applied.
 * The result must pass {@link dev.nnc.ir.Verifier}.
 */
public non-sealed interface GraphPass extends Pass {
    Graph run(Graph graph);
}
