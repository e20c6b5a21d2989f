/**
 * The reference interpreter for graph IR: {@link dev.nnc.ir.interp.Interpreter} runs a
 * {@link dev.nnc.ir.Graph} in plain Java with double-precision arithmetic and is the oracle
 * every backend is tested against. Each package-private class holds the rules for one
 * family of ops (elementwise, matmul, convolution, pooling, data movement, reductions,
 * normalization), written as plain loops over flat row-major arrays.
 */
package dev.nnc.ir.interp;
