package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/**
 * How one kind of kernel becomes native code. A kernel's run-time work is split into
 * {@link #units} independent pieces (rows, tiles, chunks); the host runs pieces
 * {@code [from, to)} on each thread through {@link #body}. Units must be independent: any
 * split of the range over threads gives the same result.
 */
interface KernelCodegen<K extends Kernel> {

    /** An i64 IR value: how many units the kernel's work is split into (0 when there is nothing to do). */
    String units(K kernel, KernelEnv env, FunctionWriter f);

    /** Code that does units {@code [from, to)} (i64 IR values). */
    void body(K kernel, KernelEnv env, FunctionWriter f, String from, String to);

    /** True when the kernel prepares workspaces at load time (packed weights); then {@link #prepare} is emitted. */
    default boolean hasPrepare(K kernel) { return false; }

    /** Load-time work, run once after the weights are bound and the derived weights computed. */
    default void prepare(K kernel, KernelEnv env, FunctionWriter f) {}
}
