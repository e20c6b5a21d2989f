package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.kernel.Kernel;
import java.util.List;

/**
 * Kernels with one thread per output element: the grid covers the output, each thread finds
 * its coordinates and computes its element ({@link #element}); threads past the end do nothing.
 */
abstract class PerElement<K extends Kernel> implements CudaKernel<K> {

    @Override
    public Grid grid(K k) {
        return Grid.perElement(Indexing.product(k.out().type().shape(), 0, k.out().type().shape().rank()));
    }

    @Override
    public void body(K k, KernelEnv env, FunctionWriter f) {
        var shape = k.out().type().shape();
        String count = env.dim(f, Indexing.product(shape, 0, shape.rank()));
        String i = Gpu.globalIndex(f);
        f.ifThen(Gpu.below(f, i, count), () -> {
            String value = element(k, env, f, Indexing.coordinates(f, env, i, shape));
            Gpu.store(f, value, env.ptr(f, k.out()), i);
        });
    }

    /** The output element (a float) at {@code coords}. */
    abstract String element(K k, KernelEnv env, FunctionWriter f, List<String> coords);
}
