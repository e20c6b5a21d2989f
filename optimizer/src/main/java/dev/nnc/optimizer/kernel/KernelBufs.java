package dev.nnc.optimizer.kernel;

import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Concat;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.Kernel.Gather;
import dev.nnc.ir.kernel.Kernel.Iota;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.Reduce;
import dev.nnc.ir.kernel.Kernel.Slice;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.Kernel.Transpose;
import java.util.List;
import java.util.function.UnaryOperator;

/** Rewrites the bufs of a kernel, keeping everything else: how passes rename storage. */
final class KernelBufs {
    private KernelBufs() {}

    /** {@code k} with {@code f} applied to its output and to every buf it reads (bias and epilogue inputs included). */
    static Kernel map(Kernel k, UnaryOperator<Buf> f) {
        return map(k, f, f);
    }

    /** {@code k} with {@code out} applied to its output and {@code in} to every buf it reads. */
    static Kernel map(Kernel k, UnaryOperator<Buf> out, UnaryOperator<Buf> in) {
        return switch (k) {
            case Elementwise e -> new Elementwise(out.apply(e.out()), all(e.ins(), in), e.expr());
            case MatMul m -> new MatMul(out.apply(m.out()), in.apply(m.a()), in.apply(m.b()), optional(m.bias(), in),
                    m.transA(), m.transB(), epilogue(m.epilogue(), in));
            case Conv2d c -> new Conv2d(out.apply(c.out()), in.apply(c.x()), in.apply(c.weight()), optional(c.bias(), in),
                    c.stride(), c.padding(), c.dilation(), c.groups(), c.layout(), c.inputLayout(), epilogue(c.epilogue(), in), c.pool());
            case Pool2d p -> new Pool2d(out.apply(p.out()), in.apply(p.x()), p.kind(), p.kernel(), p.stride(), p.padding(),
                    p.countIncludePad(), p.layout());
            case Reduce r -> new Reduce(out.apply(r.out()), in.apply(r.x()), r.kind(), r.axes());
            case Softmax s -> new Softmax(out.apply(s.out()), in.apply(s.x()), s.axis(), s.scale(), s.log());
            case LayerNorm l -> new LayerNorm(out.apply(l.out()), in.apply(l.x()), in.apply(l.gamma()), in.apply(l.beta()),
                    optional(l.residual(), in), l.axis(), l.eps());
            case Transpose t -> new Transpose(out.apply(t.out()), in.apply(t.x()), t.perm());
            case Slice s -> new Slice(out.apply(s.out()), in.apply(s.x()), s.starts(), s.steps());
            case Concat c -> new Concat(out.apply(c.out()), all(c.xs(), in), c.axis());
            case Gather g -> new Gather(out.apply(g.out()), in.apply(g.data()), in.apply(g.indices()), g.axis());
            case Iota i -> new Iota(out.apply(i.out()), i.axis());
        };
    }

    private static List<Buf> all(List<Buf> bufs, UnaryOperator<Buf> f) { return bufs.stream().map(f).toList(); }

    private static Buf optional(Buf b, UnaryOperator<Buf> f) { return b == null ? null : f.apply(b); }

    private static Epilogue epilogue(Epilogue e, UnaryOperator<Buf> f) {
        return e.ins().isEmpty() ? e : new Epilogue(all(e.ins(), f), e.expr());
    }
}
