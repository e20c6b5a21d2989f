package dev.nnc.codegen.cuda;

import dev.nnc.ir.kernel.Kernel;

/** The CUDA rule of each kernel kind. */
final class CudaKernels {
    private CudaKernels() {}

    static CudaKernel<? extends Kernel> of(Kernel kernel) {
        return switch (kernel) {
            case Kernel.Elementwise k -> new ElementwiseCuda();
            case Kernel.MatMul k -> new MatMulCuda();
            case Kernel.Conv2d k -> new ConvCuda();
            case Kernel.Pool2d k -> new PoolCuda();
            case Kernel.Reduce k -> new ReduceCuda();
            case Kernel.Softmax k -> new SoftmaxCuda();
            case Kernel.LayerNorm k -> new LayerNormCuda();
            case Kernel.Transpose k -> new TransposeCuda();
            case Kernel.Slice k -> new SliceCuda();
            case Kernel.Concat k -> new ConcatCuda();
            case Kernel.Gather k -> new GatherCuda();
            case Kernel.Iota k -> new IotaCuda();
        };
    }
}
