package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;

/**
 * How one kind of kernel becomes a GPU kernel: the grid it is launched on, and the code one
 * thread runs ({@code %ctx} is the context block in device memory; see {@code ModuleLayout}).
 */
interface CudaKernel<K extends Kernel> {

    Grid grid(K kernel);

    void body(K kernel, KernelEnv env, FunctionWriter f);
}
