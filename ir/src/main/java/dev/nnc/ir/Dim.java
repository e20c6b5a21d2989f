package dev.nnc.ir;

import java.util.Map;
import java.util.OptionalLong;

/**
 * One dimension of a tensor shape: a known size, a symbolic size such as {@code B} bound at
 * run time, or arithmetic over those ({@code D/heads}, {@code B*64}). Factories fold
 * constants and put constants on the right of commutative operators, so structurally equal
 * dims print and compare equal.
 */
public sealed interface Dim {

    /** A size known at compile time. */
    record Known(long value) implements Dim {
        public Known {
            if (value < 0) throw new IllegalArgumentException("negative dimension " + value);
        }

        @Override public String toString() { return Long.toString(value); }
    }

    /** A size named by the program and bound from the inputs at run time. */
    record Sym(String name) implements Dim {
        @Override public String toString() { return name; }
    }

    /** Integer arithmetic over dims; {@code /} is exact division. */
    record Expr(char op, Dim left, Dim right) implements Dim {
        @Override public String toString() {
            return operand(left, false) + op + operand(right, true);
        }

        /*
         * Operators associate to the left, so a right operand of equal precedence is
         * parenthesized even for + and *: X+(Y+1) must not print as X+Y+1, which reads back
         * as the different tree (X+Y)+1.
         */
        private String operand(Dim d, boolean right) {
            if (d instanceof Expr e && (precedence(e.op) < precedence(op)
                    || (right && precedence(e.op) == precedence(op)))) {
                return "(" + d + ")";
            }
            return d.toString();
        }

        static int precedence(char op) { return op == '+' || op == '-' ? 1 : 2; }
    }

    static Dim of(long value) { return new Known(value); }

    static Dim sym(String name) { return new Sym(name); }

    /** The size if it is known at compile time. */
    default OptionalLong known() {
        return this instanceof Known k ? OptionalLong.of(k.value()) : OptionalLong.empty();
    }

    default boolean isKnown() { return this instanceof Known; }

    default Dim plus(Dim other) { return combine('+', this, other); }

    default Dim minus(Dim other) { return combine('-', this, other); }

    default Dim times(Dim other) { return combine('*', this, other); }

    /** Exact division; callers check divisibility of known sizes before calling. */
    default Dim div(Dim other) { return combine('/', this, other); }

    /** Evaluates with every symbol bound; throws if a symbol is unbound or a division is inexact. */
    default long eval(Map<String, Long> bindings) {
        return switch (this) {
            case Known k -> k.value();
            case Sym s -> {
                Long v = bindings.get(s.name());
                if (v == null) throw new IllegalArgumentException("unbound dimension " + s.name());
                yield v;
            }
            case Expr e -> {
                long a = e.left().eval(bindings), b = e.right().eval(bindings);
                yield switch (e.op()) {
                    case '+' -> a + b;
                    case '-' -> a - b;
                    case '*' -> a * b;
                    case '/' -> {
                        if (b == 0 || a % b != 0) {
                            throw new IllegalArgumentException(this + " = " + a + "/" + b + " is not a whole number");
                        }
                        yield a / b;
                    }
                    default -> throw new IllegalStateException("bad dim operator " + e.op());
                };
            }
        };
    }

    private static long product(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("dimension " + a + "*" + b + " overflows a long");
        }
    }

    /** X*c1 + X*c2 as X*(c1+c2) (a bare X counts as X*1), or null when the terms differ. */
    private static Dim collectLikeTerms(Dim a, Dim b) {
        Dim xa = a, xb = b;
        long ca = 1, cb = 1;
        if (a instanceof Expr e && e.op() == '*' && e.right() instanceof Known k) { xa = e.left(); ca = k.value(); }
        if (b instanceof Expr e && e.op() == '*' && e.right() instanceof Known k) { xb = e.left(); cb = k.value(); }
        if (xa instanceof Known || !xa.equals(xb)) return null;
        return xa.times(of(ca + cb));
    }

    private static Dim combine(char op, Dim a, Dim b) {
        if (a instanceof Known x && b instanceof Known y) {
            long r;
            try {
                r = switch (op) {
                    case '+' -> Math.addExact(x.value(), y.value());
                    case '-' -> x.value() - y.value();
                    case '*' -> Math.multiplyExact(x.value(), y.value());
                    case '/' -> y.value() != 0 && x.value() % y.value() == 0 ? x.value() / y.value() : -1;
                    default -> throw new IllegalArgumentException("bad dim operator " + op);
                };
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException("dimension " + a + op + b + " overflows a long");
            }
            if (r < 0) throw new IllegalArgumentException("invalid dimension " + a + op + b);
            return of(r);
        }
        long bk = b.known().orElse(-1), ak = a.known().orElse(-1);
        switch (op) {
            case '+' -> {
                if (bk == 0) return a;
                if (ak == 0) return b;
                if (a instanceof Known) return new Expr('+', b, a);
                // Like terms collect: X*c1 + X*c2 -> X*(c1+c2), also at the end of a sum.
                Dim sum = collectLikeTerms(a, b);
                if (sum != null) return sum;
                if (a instanceof Expr e && e.op() == '+') {
                    Dim tail = collectLikeTerms(e.right(), b);
                    if (tail != null) return e.left().plus(tail);
                }
            }
            case '-' -> {
                if (bk == 0) return a;
                if (a.equals(b)) return of(0);
            }
            case '*' -> {
                if (bk == 1) return a;
                if (ak == 1) return b;
                if (ak == 0 || bk == 0) return of(0);
                // Constant to the right, then the flattening below applies as well: 2*(X*3) -> X*6.
                if (a instanceof Known) return combine('*', b, a);
                // (X*c1)*c2 -> X*(c1*c2) keeps products of a symbol and constants flat.
                if (b instanceof Known && a instanceof Expr e && e.op() == '*' && e.right() instanceof Known c) {
                    return new Expr('*', e.left(), of(product(c.value(), bk)));
                }
            }
            case '/' -> {
                if (bk == 1) return a;
                if (a.equals(b)) return of(1);
                // (X*c1)/c2 -> X*(c1/c2) when c2 divides c1.
                if (bk > 0 && a instanceof Expr e && e.op() == '*' && e.right() instanceof Known c
                        && c.value() % bk == 0) {
                    return e.left().times(of(c.value() / bk));
                }
            }
            default -> throw new IllegalArgumentException("bad dim operator " + op);
        }
        return new Expr(op, a, b);
    }
}
