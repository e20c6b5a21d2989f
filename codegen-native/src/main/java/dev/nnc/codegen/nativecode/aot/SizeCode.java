package dev.nnc.codegen.nativecode.aot;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes ({@link Dim}s, possibly symbolic) as C: postfix code for the runtime, which evaluates
 * it with overflow checks before any generated code runs, and plain expressions for the
 * header's macros.
 */
final class SizeCode {
    private SizeCode() {}

    /** The number of elements of a shape: the product of its dims. */
    static Dim elements(Shape shape) {
        Dim n = Dim.of(1);
        for (Dim d : shape.dims()) n = n.times(d);
        return n;
    }

    /** The initializer of an {@code nnc_dim_op[]} computing {@code d}, symbols numbered by their place in {@code symbols}. */
    static String postfix(Dim d, List<String> symbols) {
        List<String> ops = new ArrayList<>();
        postfix(d, symbols, ops);
        ops.add("{NNC_DIM_END, 0}");
        return "{" + String.join(", ", ops) + "}";
    }

    private static void postfix(Dim d, List<String> symbols, List<String> ops) {
        switch (d) {
            case Dim.Known k -> ops.add("{NNC_DIM_CONST, " + k.value() + "}");
            case Dim.Sym s -> {
                int i = symbols.indexOf(s.name());
                if (i < 0) throw new IllegalArgumentException("size " + s.name() + " is not bound by any input");
                ops.add("{NNC_DIM_SYMBOL, " + i + "}");
            }
            case Dim.Expr e -> {
                postfix(e.left(), symbols, ops);
                postfix(e.right(), symbols, ops);
                ops.add("{NNC_DIM_" + switch (e.op()) {
                    case '+' -> "ADD";
                    case '-' -> "SUB";
                    case '*' -> "MUL";
                    case '/' -> "DIV";
                    default -> throw new IllegalArgumentException("dim operator " + e.op());
                } + ", 0}");
            }
        }
    }

    /** {@code d} as an int64_t C expression, each symbol written as the macro parameter at its place in {@code parameters}. */
    static String expression(Dim d, List<String> symbols, List<String> parameters) {
        return switch (d) {
            case Dim.Known k -> "INT64_C(" + k.value() + ")";
            case Dim.Sym s -> "(int64_t) (" + parameters.get(symbols.indexOf(s.name())) + ")";
            case Dim.Expr e -> "(" + expression(e.left(), symbols, parameters) + " " + e.op() + " "
                    + expression(e.right(), symbols, parameters) + ")";
        };
    }
}
