package dev.nnc.optimizer;

import dev.nnc.ir.Graph;
import dev.nnc.ir.kernel.KernelProgram;

/** Told about each step of the pipeline as it finishes: what {@code --print-after} and {@code --time-passes} hang on. */
public interface PassListener {
    PassListener NONE = new PassListener() {};

    /** A graph pass finished; {@code nanos} is its run time. */
    default void afterGraphPass(String pass, Graph result, long nanos) {}

    /** Lowering ({@code pass} = {@value PassManager#LOWER}) or a kernel pass finished. */
    default void afterKernelPass(String pass, KernelProgram result, long nanos) {}
}
