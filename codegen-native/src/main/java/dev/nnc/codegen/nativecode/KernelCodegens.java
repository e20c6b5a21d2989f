package dev.nnc.codegen.nativecode;

import dev.nnc.ir.kernel.Kernel;

/** The code generator of each kernel kind. */
final class KernelCodegens {
    private KernelCodegens() {}

    static KernelCodegen<? extends Kernel> of(Kernel kernel) {
        return switch (kernel) {
            case Kernel.Elementwise k -> new ElementwiseCodegen();
            case Kernel.MatMul k -> new MatMulCodegen();
            case Kernel.Conv2d k -> new Conv2dCodegen();
            case Kernel.Pool2d k -> new Pool2dCodegen();
            case Kernel.Reduce k -> new ReduceCodegen();
            case Kernel.Softmax k -> new SoftmaxCodegen();
            case Kernel.LayerNorm k -> new LayerNormCodegen();
            case Kernel.Transpose k -> new TransposeCodegen();
            case Kernel.Slice k -> new SliceCodegen();
            case Kernel.Concat k -> new ConcatCodegen();
            case Kernel.Gather k -> new GatherCodegen();
            case Kernel.Iota k -> new IotaCodegen();
        };
    }
}
