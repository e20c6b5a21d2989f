package dev.nnc.frontend;

/**
 * {@code == != < <= > >=} on compile-time values, giving a bool for {@code if} and {@code && ||}.
 * Numbers compare by value (ints with floats); bools and strings by equality only. Tensors and
 * symbolic dims are refused: their values exist only at run time, and the language decides at
 * compile time (two identical dims, such as {@code C == C}, are equal all the same).
 */
final class Comparisons {
    private Comparisons() {}

    static Val.BoolV compare(Ast.Compare c, Val left, Val right) {
        String op = c.op();
        Span at = Elaborator.extent(c);
        for (Val v : new Val[] {left, right}) {
            if (v instanceof Val.TensorV) {
                throw new CompileError(at, "'" + op + "' compares compile-time values, found " + Val.describe(v),
                        "note: a tensor's values exist only at run time; 'if' and comparisons choose what to build at compile time",
                        "help: expected config values, dims fixed by the input types or literals, e.g. 'stride != 1'");
            }
        }
        if (isNumber(left) && isNumber(right)) {
            if (left instanceof Val.IntV a && right instanceof Val.IntV b) return ordered(op, Long.compare(a.value(), b.value()));
            double a = Elaborator.number(left), b = Elaborator.number(right);
            return new Val.BoolV(switch (op) {  // IEEE comparisons: 0.0 == -0.0
                case "==" -> a == b;
                case "!=" -> a != b;
                case "<" -> a < b;
                case "<=" -> a <= b;
                case ">" -> a > b;
                default -> a >= b;
            });
        }
        if (left instanceof Val.DimV || right instanceof Val.DimV) {
            if (left.equals(right) && (op.equals("==") || op.equals("!="))) return new Val.BoolV(op.equals("=="));
            throw new CompileError(at, "'" + op + "' on " + Val.describe(left) + " and " + Val.describe(right)
                    + ": a symbolic dimension is known only at run time",
                    "note: conditions are decided at compile time",
                    "help: expected config values or dims fixed by the input types");
        }
        boolean equality = op.equals("==") || op.equals("!=");
        if (left instanceof Val.BoolV a && right instanceof Val.BoolV b && equality) return equality(op, a.equals(b));
        if (left instanceof Val.StrV a && right instanceof Val.StrV b && equality) return equality(op, a.equals(b));
        if (sameKind(left, right) && (left instanceof Val.BoolV || left instanceof Val.StrV)) {
            throw new CompileError(at, "'" + op + "' does not order " + Val.describe(left) + " and " + Val.describe(right),
                    "note: expected == or !=: bools and strings compare with == and != only");
        }
        throw new CompileError(at, "'" + op + "' cannot compare " + Val.describe(left) + " with " + Val.describe(right),
                "note: expected two numbers, two bools or two strings");
    }

    private static boolean isNumber(Val v) { return v instanceof Val.IntV || v instanceof Val.FloatV; }

    private static boolean sameKind(Val a, Val b) { return a.getClass() == b.getClass(); }

    private static Val.BoolV equality(String op, boolean equal) { return new Val.BoolV(op.equals("==") == equal); }

    private static Val.BoolV ordered(String op, int cmp) {
        return new Val.BoolV(switch (op) {
            case "==" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            default -> throw new IllegalStateException("comparison " + op);
        });
    }
}
