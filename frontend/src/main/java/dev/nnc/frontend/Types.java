package dev.nnc.frontend;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Tensor type expressions: resolving them to IR types and matching a layer's input
 * patterns ({@code f32[..., K]}) against actual types, binding dims as it goes.
 */
final class Types {
    static final String ELLIPSIS = "...";

    private Types() {}

    /** How a name in a dim position that is not yet bound is treated. */
    enum Unbound {
        /** Becomes a symbolic dim (model inputs: {@code B}). */
        SYMBOL,
        /** Is an error (parameter shapes, outputs). */
        ERROR
    }

    static String dtypeNames() {
        return Arrays.stream(DType.values()).map(DType::text).collect(Collectors.joining(", "));
    }

    /** A concrete element type, or a type variable (capitalized name) bound in env. */
    static DType dtype(Ast.TensorType t, Env env) {
        var known = DType.fromText(t.dtype());
        if (known.isPresent()) return known.get();
        if (env.get(t.dtype()) instanceof Val.DTypeV v) return v.dtype();
        throw new CompileError(t.span().prefix(t.dtype().length()), "unknown element type '" + t.dtype() + "'",
                "note: expected one of " + dtypeNames());
    }

    static TensorType resolve(Ast.TypeExpr type, Env env, Unbound unbound) {
        if (!(type instanceof Ast.TensorType t)) {
            throw new CompileError(type.span(), "expected a tensor type such as f32[B, 10], found " + print(type));
        }
        return new TensorType(dtype(t, env), new Shape(dims(t.dims(), env, unbound)));
    }

    static List<Dim> dims(List<Ast.DimExpr> exprs, Env env, Unbound unbound) {
        List<Dim> out = new ArrayList<>();
        for (Ast.DimExpr d : exprs) {
            if (d instanceof Ast.DimEllipsis e) {
                if (!(env.get(ELLIPSIS) instanceof Val.DimsV dims)) {
                    throw new CompileError(e.span(), "'...' here has nothing to stand for",
                            "note: '...' is allowed in a layer's input types, and in its output type to repeat them");
                }
                out.addAll(dims.dims());
            } else {
                out.add(dim(d, env, unbound));
            }
        }
        return out;
    }

    static Dim dim(Ast.DimExpr d, Env env, Unbound unbound) {
        return switch (d) {
            case Ast.DimInt i -> Dim.of(i.value());
            case Ast.DimName n -> {
                Val v = env.get(n.name());
                if (v == null) {
                    if (unbound == Unbound.SYMBOL) {
                        Dim s = Dim.sym(n.name());
                        env.bind(n.name(), new Val.DimV(s), n.span());
                        yield s;
                    }
                    throw new CompileError(n.span(), "unknown dimension '" + n.name() + "'",
                            "note: a dimension name must be bound by an input's type (as B in x: f32[B, 10]) "
                                    + "or be an int config parameter");
                }
                yield asDim(v, n.span(), "dimension '" + n.name() + "'");
            }
            case Ast.DimBinary b -> arithmetic(b.op(), dim(b.left(), env, unbound), dim(b.right(), env, unbound), b.span(),
                    print(b.left()) + " " + b.op() + " " + print(b.right()));
            case Ast.DimEllipsis e -> throw new CompileError(e.span(), "'...' cannot be used inside dimension arithmetic");
        };
    }

    static Dim asDim(Val v, Span span, String what) {
        return switch (v) {
            case Val.IntV i when i.value() >= 0 -> Dim.of(i.value());
            case Val.IntV i -> throw new CompileError(span, what + " is " + i.value() + "; a dimension cannot be negative");
            case Val.DimV d -> d.dim();
            default -> throw new CompileError(span, what + " must be an int, found " + Val.describe(v));
        };
    }

    /** @param source the arithmetic as written ({@code C / groups}), named in errors; null when there is none */
    static Dim arithmetic(char op, Dim a, Dim b, Span span, String source) {
        if (a.isKnown() && b.isKnown()) {
            long x = a.known().getAsLong(), y = b.known().getAsLong();
            if (op == '/' && (y == 0 || x % y != 0)) {
                throw new CompileError(span, "dimension " + (source == null || source.equals(x + " / " + y) ? ""
                        : source + " is ") + x + " / " + y + ", not a whole number",
                        "note: expected sizes that divide evenly; a dimension is a whole number");
            }
            if (op == '-' && x < y) throw new CompileError(span, "dimension " + x + " - " + y + " is negative");
        }
        return switch (op) {
            case '+' -> a.plus(b);
            case '-' -> a.minus(b);
            case '*' -> a.times(b);
            case '/' -> a.div(b);
            default -> throw new IllegalStateException("bad dim operator " + op);
        };
    }

    /**
     * Matches {@code actual} against a layer input pattern, binding unbound dim names,
     * type variables and {@code ...} in env.
     */
    static void match(Ast.TypeExpr patternExpr, TensorType actual, Env env, String what, Span span) {
        if (!(patternExpr instanceof Ast.TensorType pattern)) {
            throw new CompileError(patternExpr.span(), "a layer's tensor input needs a tensor type such as f32[..., K]");
        }
        String expected = print(pattern);
        var known = DType.fromText(pattern.dtype());
        if (known.isPresent()) {
            if (known.get() != actual.dtype()) {
                throw new CompileError(span, what + " has type " + actual + ", expected " + expected,
                        "note: element type " + actual.dtype() + " differs from " + known.get());
            }
        } else if (Character.isUpperCase(pattern.dtype().charAt(0))) {
            Val bound = env.get(pattern.dtype());
            if (bound instanceof Val.DTypeV v && v.dtype() != actual.dtype()) {
                throw new CompileError(span, what + " has type " + actual + ", expected " + pattern.dtype() + " = " + v.dtype());
            }
            env.bind(pattern.dtype(), new Val.DTypeV(actual.dtype()), pattern.span());
        } else {
            throw new CompileError(pattern.span().prefix(pattern.dtype().length()), "unknown element type '" + pattern.dtype() + "'",
                    "note: expected one of " + dtypeNames() + ", or a capitalized type variable such as T");
        }
        List<Ast.DimExpr> dims = pattern.dims();
        int ellipsis = -1;
        for (int i = 0; i < dims.size(); i++) {
            if (dims.get(i) instanceof Ast.DimEllipsis) {
                if (ellipsis >= 0) throw new CompileError(dims.get(i).span(), "only one '...' is allowed in a type");
                ellipsis = i;
            }
        }
        List<Dim> actualDims = actual.shape().dims();
        int fixed = ellipsis < 0 ? dims.size() : dims.size() - 1;
        if (ellipsis < 0 ? actualDims.size() != fixed : actualDims.size() < fixed) {
            throw new CompileError(span, what + " has type " + actual + ", expected " + expected,
                    "note: rank " + actualDims.size() + " given, " + (ellipsis < 0 ? "" : "at least ") + fixed + " expected");
        }
        int tail = ellipsis < 0 ? 0 : dims.size() - ellipsis - 1;
        for (int i = 0; i < dims.size(); i++) {
            if (i == ellipsis) {
                List<Dim> middle = actualDims.subList(ellipsis, actualDims.size() - tail);
                Val previous = env.get(ELLIPSIS);
                if (previous instanceof Val.DimsV p && !p.dims().equals(middle)) {
                    throw new CompileError(span, what + " has type " + actual + ", but '...' already stands for "
                            + new Shape(p.dims()) + " in an earlier input",
                            "note: expected " + expected + " with the same dims for '...' in every input");
                }
                env.bind(ELLIPSIS, new Val.DimsV(middle), dims.get(i).span());
                continue;
            }
            int axis = ellipsis >= 0 && i > ellipsis ? actualDims.size() - (dims.size() - i) : i;
            Dim got = actualDims.get(axis);
            Ast.DimExpr d = dims.get(i);
            if (d instanceof Ast.DimName n && !env.has(n.name())) {
                env.bind(n.name(), got.isKnown() ? new Val.IntV(got.known().getAsLong()) : new Val.DimV(got), n.span());
                continue;
            }
            Dim want = dim(d, env, Unbound.ERROR);
            if (!want.equals(got)) {
                throw new CompileError(span, what + " has type " + actual + ", expected " + expected,
                        "note: dimension " + axis + " is " + got + ", expected " + want);
            }
        }
    }

    /** Checks a produced type against a declared one, naming the first dim that differs. */
    static void check(TensorType want, TensorType got, String what, Span span) {
        if (want.equals(got)) return;
        if (want.dtype() != got.dtype()) {
            throw new CompileError(span, what + " has type " + got + ", declared " + want,
                    "note: element type " + got.dtype() + " differs from " + want.dtype());
        }
        if (want.rank() != got.rank()) {
            throw new CompileError(span, what + " has type " + got + ", declared " + want,
                    "note: rank " + got.rank() + " differs from " + want.rank());
        }
        for (int i = 0; i < want.rank(); i++) {
            if (!want.shape().dim(i).equals(got.shape().dim(i))) {
                throw new CompileError(span, what + " has type " + got + ", declared " + want,
                        "note: dimension " + i + " is " + got.shape().dim(i) + ", declared " + want.shape().dim(i));
            }
        }
    }

    static String print(Ast.TypeExpr t) {
        return switch (t) {
            case Ast.TensorType tt -> tt.dtype() + tt.dims().stream().map(Types::print).collect(Collectors.joining(", ", "[", "]"));
            case Ast.ScalarType s -> s.name();
            case Ast.ListType l -> "[" + print(l.element()) + "]";
        };
    }

    static String print(Ast.DimExpr d) {
        return switch (d) {
            case Ast.DimInt i -> Long.toString(i.value());
            case Ast.DimName n -> n.name();
            case Ast.DimBinary b -> "(" + print(b.left()) + " " + b.op() + " " + print(b.right()) + ")";
            case Ast.DimEllipsis e -> "...";
        };
    }
}
