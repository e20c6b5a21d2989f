package dev.nnc.frontend;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The functions {@code math.NAME(...)} on compile-time numbers, for configuration arithmetic
 * such as an attention scale {@code 1.0 / math.sqrt(D / heads)}. Ints mix with floats as in
 * {@code + - * /}; {@code abs}, {@code min} and {@code max} keep ints ints, {@code floor} and
 * {@code ceil} give ints, the rest floats. Tensors are refused with a pointer to the op.
 */
final class CompileTimeMath {
    private CompileTimeMath() {}

    enum Fn {
        SQRT("sqrt", 1, "sqrt"), EXP("exp", 1, "exp"), LOG("log", 1, "log"), POW("pow", 2, "pow"),
        ABS("abs", 1, "abs"), MIN("min", 2, "minimum"), MAX("max", 2, "maximum"),
        FLOOR("floor", 1, null), CEIL("ceil", 1, null);

        private final String text;
        private final int arity;
        /** The graph op doing the same on tensors, for the message when a tensor is given; null when there is none. */
        private final String op;

        Fn(String text, int arity, String op) {
            this.text = text;
            this.arity = arity;
            this.op = op;
        }

        String text() { return text; }

        static Optional<Fn> fromText(String text) {
            return Arrays.stream(values()).filter(f -> f.text.equals(text)).findFirst();
        }

        static List<String> names() { return Arrays.stream(values()).map(Fn::text).toList(); }
    }

    /** Applies {@code fn} to positional arguments; {@code spans} are theirs, {@code call} the whole call's. */
    static Val apply(Fn fn, List<Val> args, List<Span> spans, boolean hasNamed, Span call) {
        String name = "math." + fn.text;
        if (hasNamed) {
            throw new CompileError(call, name + " takes positional arguments only",
                    "note: expected " + name + "(" + (fn.arity == 1 ? "x" : "x, y") + ")");
        }
        if (args.size() != fn.arity) {
            throw new CompileError(call, name + " takes " + fn.arity + " argument" + (fn.arity == 1 ? "" : "s")
                    + " but " + args.size() + (args.size() == 1 ? " was" : " were") + " given",
                    "note: expected " + name + "(" + (fn.arity == 1 ? "x" : "x, y") + ")");
        }
        for (int i = 0; i < args.size(); i++) {
            Val v = args.get(i);
            if (v instanceof Val.IntV || v instanceof Val.FloatV) continue;
            if (v instanceof Val.TensorV && fn.op != null) {
                throw new CompileError(spans.get(i), name + " works on compile-time numbers, found " + Val.describe(v),
                        "help: for a tensor, use op." + fn.op + "(...)");
            }
            throw new CompileError(spans.get(i), name + " works on compile-time numbers, found " + Val.describe(v));
        }
        boolean ints = args.stream().allMatch(v -> v instanceof Val.IntV);
        double x = Elaborator.number(args.getFirst());
        double y = args.size() > 1 ? Elaborator.number(args.get(1)) : 0;
        return switch (fn) {
            case ABS -> ints ? new Val.IntV(Math.absExact(((Val.IntV) args.getFirst()).value())) : new Val.FloatV(Math.abs(x));
            case MIN -> ints ? new Val.IntV(Math.min(longOf(args, 0), longOf(args, 1))) : new Val.FloatV(Math.min(x, y));
            case MAX -> ints ? new Val.IntV(Math.max(longOf(args, 0), longOf(args, 1))) : new Val.FloatV(Math.max(x, y));
            case FLOOR -> new Val.IntV(toLong(Math.floor(x), name, call));
            case CEIL -> new Val.IntV(toLong(Math.ceil(x), name, call));
            case SQRT -> {
                if (x < 0) throw new CompileError(call, name + " of a negative number (" + x + ")", "note: expected 0 or more");
                yield new Val.FloatV(Math.sqrt(x));
            }
            case LOG -> {
                if (x <= 0) throw new CompileError(call, name + " of " + x + ": the logarithm needs a positive number");
                yield new Val.FloatV(Math.log(x));
            }
            case EXP -> new Val.FloatV(finite(Math.exp(x), name, call));
            case POW -> new Val.FloatV(finite(Math.pow(x, y), name, call));
        };
    }

    private static long longOf(List<Val> args, int i) { return ((Val.IntV) args.get(i)).value(); }

    private static long toLong(double v, String name, Span call) {
        if (Math.abs(v) >= 0x1p63) throw new CompileError(call, name + " gives " + v + ", too large for a 64-bit int");
        return (long) v;
    }

    private static double finite(double v, String name, Span call) {
        if (!Double.isFinite(v)) throw new CompileError(call, name + " gives " + v + ", not a finite number");
        return v;
    }
}
