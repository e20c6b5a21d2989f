package dev.nnc.optimizer.report;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Concrete sizes of symbolic dims with every symbol bound to one value (the batch size). */
final class Sizes {
    private Sizes() {}

    /** {@code d} with every symbol equal to {@code n}; division truncates (valid programs divide exactly). */
    static long eval(Dim d, long n) {
        return switch (d) {
            case Dim.Known k -> k.value();
            case Dim.Sym s -> n;
            case Dim.Expr e -> {
                long a = eval(e.left(), n), b = eval(e.right(), n);
                yield switch (e.op()) {
                    case '+' -> a + b;
                    case '-' -> a - b;
                    case '*' -> a * b;
                    case '/' -> b == 0 ? 0 : a / b;
                    default -> throw new IllegalArgumentException("bad dim operator " + e.op());
                };
            }
        };
    }

    /** Sizes with every symbol equal to {@code n}. */
    static ToLongFunction<Dim> all(long n) { return d -> eval(d, n); }

    /** Sizes with each symbol bound by {@code dims}. */
    static ToLongFunction<Dim> of(Map<String, Long> dims) { return d -> d.eval(dims); }

    static long numel(Shape s, long n) { return eval(s.numel(), n); }

    static long numel(TensorType t, long n) { return numel(t.shape(), n); }
}
