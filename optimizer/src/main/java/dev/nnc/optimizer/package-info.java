/**
 * The optimizer: a {@link dev.nnc.optimizer.PassManager} runs graph passes
 * ({@code dev.nnc.optimizer.graph}), lowers to kernel IR, and runs kernel passes
 * ({@code dev.nnc.optimizer.kernel}); {@link dev.nnc.optimizer.OptLevel} picks the pipeline.
 */
package dev.nnc.optimizer;
