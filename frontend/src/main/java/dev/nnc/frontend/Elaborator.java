package dev.nnc.frontend;

import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Op;
import dev.nnc.ir.ShapeError;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Initializers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lowers one model to graph IR by evaluating its body: layers are expanded where they are
 * applied, with their config values and input dims bound, and each parameter is named by the
 * path of layer instances that declared it ({@code conv1.weight}, {@code encoder.layer.0...}).
 * Errors are reported per statement; a failed statement's names are poisoned so later uses
 * do not report again.
 */
final class Elaborator {
    private static final int MAX_DEPTH = 64;

    private final Diagnostics diagnostics;
    private final GraphBuilder graph;
    private final OpCalls ops;
    private final Map<String, ParamSite> paramNames = new HashMap<>();
    /** Applications already reported as giving a second instance the same parameter names. */
    private final java.util.Set<Span> reportedClashes = new java.util.HashSet<>();
    /** Messages already moved from inside a standard layer to an application, by location. */
    private final java.util.Set<String> reanchored = new java.util.HashSet<>();
    private final List<Ast.Layer> stack = new ArrayList<>();
    private final List<Span> applications = new ArrayList<>();

    /** Thrown when an already-reported error value is used; nothing more is reported. */
    private static final class Poisoned extends RuntimeException {
        Poisoned() { super(null, null, false, false); }
    }

    /** Where a parameter was declared, and the layer applications that led there (outermost first). */
    private record ParamSite(Span decl, List<Span> applications) {}

    /** Where parameters declared by the current body go: their name prefix and auto-name counters. */
    private record Instance(List<String> path, Map<String, Integer> counters) {
        static Instance root() { return new Instance(List.of(), new HashMap<>()); }

        Instance child(List<String> label) {
            List<String> p = new ArrayList<>(path);
            p.addAll(label);
            return new Instance(p, new HashMap<>());
        }

        /** Keras-style automatic names: dense, dense_1, dense_2, ... */
        List<String> autoLabel(String layer) {
            int n = counters.merge(layer, 1, Integer::sum) - 1;
            return List.of(n == 0 ? layer : layer + "_" + n);
        }

        String qualify(String name) {
            return path.isEmpty() ? name : String.join(".", path) + "." + name;
        }
    }

    private Elaborator(Diagnostics diagnostics, String modelName) {
        this.diagnostics = diagnostics;
        this.graph = new GraphBuilder(modelName);
        this.ops = new OpCalls(graph);
    }

    /** The model's graph, or null when it has errors (they are reported). */
    static Graph elaborate(Ast.Model model, Module home, Diagnostics diagnostics) {
        int before = diagnostics.errorCount();
        Elaborator e = new Elaborator(diagnostics, model.name());
        e.model(model, home);
        return diagnostics.errorCount() > before ? null : e.graph.build();
    }

    private void model(Ast.Model model, Module home) {
        Env env = new Env(home);
        for (Ast.ParamDecl in : model.inputs()) {
            try {
                if (in.defaultValue() != null) {
                    throw new CompileError(in.defaultValue().span(), "a model input cannot have a default value",
                            "help: expected a name and a tensor type only, e.g. x: f32[B, 10]; callers pass every input");
                }
                if (in.type() instanceof Ast.TensorType t) {
                    for (Ast.DimExpr d : t.dims()) {
                        if (d instanceof Ast.DimEllipsis) {
                            throw new CompileError(d.span(), "a model input needs a full shape; '...' is allowed in layer inputs only");
                        }
                    }
                }
                TensorType type = Types.resolve(in.type(), env, Types.Unbound.SYMBOL);
                env.define(in.name(), new Val.TensorV(graph.input(in.name(), type)), in.span());
            } catch (CompileError err) {
                diagnostics.add(err.diagnostic);
                env.bind(in.name(), new Val.ErrorV(), in.span());
            }
        }
        List<Val> results = block(model.body(), env, Instance.root());
        if (results == null) return;
        List<Ast.OutputDecl> outputs = model.outputs();
        if (results.size() != outputs.size()) {
            diagnostics.error(model.body().span(), "model '" + model.name() + "' declares " + outputs.size()
                    + " output" + (outputs.size() == 1 ? "" : "s") + " but its body returns " + results.size(),
                    "help: expected one value per declared output, in order: 'return "
                            + String.join(", ", outputs.stream().map(Ast.OutputDecl::name).toList()) + "'");
            return;
        }
        for (int i = 0; i < outputs.size(); i++) {
            Ast.OutputDecl out = outputs.get(i);
            try {
                TensorType want = Types.resolve(out.type(), env, Types.Unbound.ERROR);
                Value got = tensor(results.get(i), out.type().span(), "output '" + out.name() + "'");
                String what = outputs.size() == 1 ? "the model's result" : "the model's output '" + out.name() + "'";
                Types.check(want, got.type(), what, out.type().span());
                graph.output(out.name(), got);
            } catch (CompileError err) {
                diagnostics.add(err.diagnostic);
            } catch (Poisoned ignored) {
                // already reported
            }
        }
    }

    private List<Val> block(Ast.Block block, Env env, Instance instance) { return block(block, env, instance, false); }

    /** Evaluates a body, or a branch of 'if'; returns its result values, or null when it failed. */
    private List<Val> block(Ast.Block block, Env env, Instance instance, boolean branch) {
        List<Ast.Stmt> stmts = block.stmts();
        List<Val> result = null;
        boolean failed = false;
        for (int i = 0; i < stmts.size(); i++) {
            Ast.Stmt s = stmts.get(i);
            boolean last = i == stmts.size() - 1;
            try {
                switch (s) {
                    case Ast.Let let -> {
                        Val v;
                        try {
                            v = expr(let.value(), env, instance);
                        } catch (CompileError | Poisoned err) {
                            if (!env.hasHere(let.name())) env.bind(let.name(), new Val.ErrorV(), let.nameSpan());
                            throw err;
                        }
                        env.define(let.name(), v, let.nameSpan());
                    }
                    case Ast.Param p -> {
                        try {
                            param(p, env, instance);
                        } catch (CompileError | Poisoned err) {
                            // Uses of a parameter that failed report nothing more.
                            if (!env.hasHere(p.name())) env.bind(p.name(), new Val.ErrorV(), p.nameSpan());
                            throw err;
                        }
                    }
                    case Ast.Return r -> {
                        if (branch) {
                            throw new CompileError(r.span(), "'return' ends a model or layer body, not a branch of 'if'",
                                    "help: end the branch with its value instead, e.g. '} else { x }'");
                        }
                        if (!last) {
                            throw new CompileError(r.span(), "statements after 'return' are never evaluated",
                                    "help: expected 'return' last; move it to the end of the body or remove what follows it");
                        }
                        result = new ArrayList<>();
                        for (Ast.Expr e : r.values()) result.add(expr(e, env, instance));
                    }
                    case Ast.ExprStmt e -> {
                        Val v = expr(e.expr(), env, instance);
                        if (last) {
                            result = List.of(v);
                        } else {
                            throw new CompileError(extent(e.expr()), "the value of this expression is not used",
                                    "help: bind it with 'let name = ...' or make it the last expression of the body");
                        }
                    }
                }
            } catch (CompileError err) {
                Diagnostic d = withContext(err.diagnostic);
                if (d != null) diagnostics.add(d);
                failed = true;
            } catch (Poisoned err) {
                failed = true;
            }
        }
        if (failed) return null;
        if (result == null) {
            if (branch) {
                diagnostics.error(block.span(), "this branch of 'if' produces no value", "help: end it with an expression");
            } else {
                diagnostics.error(block.span(), "this body produces no value",
                        "help: end it with an expression or 'return value'");
            }
        }
        return result;
    }

    /**
     * Adds, innermost first, where each enclosing layer was applied. An error inside a standard
     * layer is the user's mistake in applying it (a bad config value, a too small input), so it
     * is reported at that application, with the place in the library as a note; null when that
     * application already has this message (one bad config value can fail several statements).
     */
    private Diagnostic withContext(Diagnostic d) {
        if (applications.isEmpty()) return d;
        Span span = d.span();
        List<String> notes = new ArrayList<>(d.notes());
        int outer = applications.size();
        if (isLibrary(span)) {
            int user = applications.size() - 1;
            while (user >= 0 && isLibrary(applications.get(user))) user--;
            if (user >= 0) {
                if (!reanchored.add(applications.get(user).location() + ": " + d.message())) return null;
                notes.add("note: raised in the standard layer '" + stack.get(user).name() + "' at " + span.location());
                span = applications.get(user);
                outer = user;
            }
        }
        for (int i = outer - 1; i >= 0; i--) {
            notes.add("note: in layer '" + stack.get(i).name() + "' applied at " + applications.get(i).location());
        }
        return new Diagnostic(d.severity(), span, d.message(), notes);
    }

    private static boolean isLibrary(Span span) { return span != null && span.file().name().startsWith("<stdlib>"); }

    /** The whole text of an expression, for underlining it: a pipe's or operator's own span is its stage or operator. */
    static Span extent(Ast.Expr e) {
        return switch (e) {
            case Ast.Pipe p -> extent(p.input()).to(p.span());
            case Ast.Binary b -> extent(b.left()).to(extent(b.right()));
            case Ast.Compare c -> extent(c.left()).to(extent(c.right()));
            case Ast.Logic l -> extent(l.left()).to(extent(l.right()));
            default -> e.span();
        };
    }

    private void param(Ast.Param p, Env env, Instance instance) {
        TensorType type = Types.resolve(p.type(), env, Types.Unbound.ERROR);
        if (!type.shape().isKnown()) {
            throw new CompileError(p.type().span(), "parameter '" + p.name() + "' has shape " + type.shape()
                    + "; a parameter's shape must be known at compile time",
                    "help: expected dims made of integers and int config parameters, such as T[units, K]; "
                            + "symbolic dims such as a batch size vary at run time");
        }
        String init = p.init() == null ? "zeros" : initializer(p.init(), type.dtype(), env, instance);
        String fullName = instance.qualify(p.name());
        ParamSite site = new ParamSite(p.nameSpan(), List.copyOf(applications));
        ParamSite previous = paramNames.putIfAbsent(fullName, site);
        if (previous != null) clash(fullName, site, previous);
        env.define(p.name(), new Val.TensorV(graph.param(fullName, type, init)), p.nameSpan());
    }

    /**
     * Two layer instances would own the same parameter name. The mistake is where their
     * application paths part (usually a label used twice), so it is reported there, once per
     * application rather than once per parameter.
     */
    private void clash(String fullName, ParamSite site, ParamSite previous) {
        List<Span> now = site.applications(), before = previous.applications();
        int k = 0;
        while (k < now.size() && k < before.size() && now.get(k).equals(before.get(k))) k++;
        if (k >= now.size() || k >= before.size()) {
            throw new CompileError(site.decl(), "parameter '" + fullName + "' is defined twice",
                    "note: first defined at " + previous.decl().location(),
                    "help: expected one 'param' per name in a body");
        }
        Span at = now.get(k);
        if (!reportedClashes.add(at)) throw new Poisoned();
        throw new CompileError(at, "parameter '" + fullName + "' is defined twice",
                "note: first defined by the layer applied at " + before.get(k).location(),
                "help: expected distinct labels for layer instances with parameters, e.g. 'fc1: dense(64)' and 'fc2: dense(64)'");
    }

    /** An initializer as written: a name, or a call with named numeric arguments. Checked now, recorded as text. */
    private String initializer(Ast.Expr e, DType dtype, Env env, Instance instance) {
        String kind;
        List<Ast.Arg> args = List.of();
        if (e instanceof Ast.Name n && n.path().size() == 1) {
            kind = n.text();
        } else if (e instanceof Ast.Call c && c.callee() instanceof Ast.Name n && n.path().size() == 1) {
            kind = n.text();
            args = c.args();
        } else {
            throw new CompileError(e.span(), "expected an initializer such as glorot_uniform or normal(std: 0.02)");
        }
        if (!Initializers.kinds().contains(kind)) {
            throw new CompileError(e.span(), "unknown initializer '" + kind + "'",
                    append(Suggestions.didYouMean(kind, Initializers.kinds()), "note: known initializers: " + String.join(", ", Initializers.kinds())));
        }
        StringBuilder text = new StringBuilder(kind);
        if (!args.isEmpty()) {
            text.append('(');
            for (int i = 0; i < args.size(); i++) {
                Ast.Arg a = args.get(i);
                if (a.name() == null || !Initializers.argumentNames(kind).contains(a.name())) {
                    throw new CompileError(a.span(), "initializer '" + kind + "' takes named arguments "
                            + String.join(", ", Initializers.argumentNames(kind)),
                            a.name() == null ? new String[] {"note: expected name: value, e.g. "
                                    + Initializers.argumentNames(kind).stream().findFirst().orElse("std") + ": 0.02"}
                                    : Suggestions.didYouMean(a.name(), Initializers.argumentNames(kind)));
                }
                double v = numberOr(expr(a.value(), env, instance),
                        () -> new CompileError(a.span(), "initializer argument '" + a.name() + "' must be a number"));
                text.append(i > 0 ? ", " : "").append(a.name()).append('=').append(v);
            }
            text.append(')');
        }
        return text.toString();
    }

    private static String[] append(String[] notes, String more) {
        String[] out = java.util.Arrays.copyOf(notes, notes.length + 1);
        out[notes.length] = more;
        return out;
    }

    // ---- expressions ----

    private Val expr(Ast.Expr e, Env env, Instance instance) {
        return switch (e) {
            case Ast.IntLit i -> new Val.IntV(i.value());
            case Ast.FloatLit f -> new Val.FloatV(f.value());
            case Ast.StringLit s -> new Val.StrV(s.value());
            case Ast.BoolLit b -> new Val.BoolV(b.value());
            case Ast.Name n -> name(n, env, "name");
            case Ast.ListLit l -> {
                List<Val> items = new ArrayList<>();
                for (Ast.Expr item : l.items()) items.add(expr(item, env, instance));
                yield new Val.ListV(items);
            }
            case Ast.Neg n -> negate(expr(n.operand(), env, instance), n.span());
            case Ast.Binary b -> binary(b, expr(b.left(), env, instance), expr(b.right(), env, instance));
            case Ast.Call c -> call(c, env, instance);
            case Ast.Pipe p -> pipe(p, env, instance);
            case Ast.Compare c -> Comparisons.compare(c, known(expr(c.left(), env, instance)), known(expr(c.right(), env, instance)));
            case Ast.Not n -> new Val.BoolV(!bool(expr(n.operand(), env, instance), extent(n.operand()), "'!'"));
            case Ast.Logic l -> {
                String op = l.and() ? "'&&'" : "'||'";
                boolean left = bool(expr(l.left(), env, instance), extent(l.left()), op);
                // Short-circuit: the right side is not evaluated when the left decides.
                if (left != l.and()) yield new Val.BoolV(left);
                yield new Val.BoolV(bool(expr(l.right(), env, instance), extent(l.right()), op));
            }
            case Ast.If i -> choose(i, env, instance);
        };
    }

    private static Val known(Val v) {
        if (v instanceof Val.ErrorV) throw new Poisoned();
        return v;
    }

    /** A compile-time bool, for conditions and the operands of ! && ||. */
    private static boolean bool(Val v, Span span, String what) {
        return switch (v) {
            case Val.BoolV b -> b.value();
            case Val.ErrorV x -> throw new Poisoned();
            case Val.TensorV t -> throw new CompileError(span, what + " needs a compile-time bool, found " + Val.describe(v),
                    "note: a tensor's values exist only at run time; 'if' chooses at compile time which layers to build");
            default -> throw new CompileError(span, what + " needs a bool, found " + Val.describe(v),
                    "help: expected true, false or a comparison such as 'stride != 1'");
        };
    }

    /** {@code if}: evaluates the condition, then elaborates only the branch it selects, in a nested scope. */
    private Val choose(Ast.If i, Env env, Instance instance) {
        if (i.otherwise() == null) {
            throw new CompileError(i.span(), "'if' needs an 'else' branch",
                    "note: 'if' is an expression: both branches give a value, e.g. 'if bias { y + b } else { y }'");
        }
        boolean taken = bool(expr(i.condition(), env, instance), extent(i.condition()), "the condition of 'if'");
        List<Val> result = block(taken ? i.then() : i.otherwise(), env.branch(), instance, true);
        if (result == null) throw new Poisoned();
        return result.getFirst();
    }

    /** A call's callee or a pipe stage: an unknown plain name there is reported as a missing layer. */
    private Val callee(Ast.Expr e, Env env, Instance instance) {
        return e instanceof Ast.Name n ? name(n, env, "layer") : expr(e, env, instance);
    }

    /** @param what "name", or "layer" where a layer is expected (the message says so) */
    private Val name(Ast.Name n, Env env, String what) {
        List<String> path = n.path();
        if (path.size() == 1) {
            Val v = env.get(path.getFirst());
            if (v instanceof Val.ErrorV) throw new Poisoned();
            if (v != null) return v;
            Module.Entry entry = env.module.lookup(path.getFirst());
            if (entry != null) {
                if (entry.decl() instanceof Ast.Layer layer) return new Val.LayerV(layer, entry.home(), null);
                throw new CompileError(n.span(), "'" + n.text() + "' is a model; models cannot be used as layers",
                        "help: declare the reusable part as a 'layer'");
            }
            List<String> candidates = new ArrayList<>();
            env.names().forEach(candidates::add);
            candidates.addAll(env.module.visible().keySet());
            candidates.removeIf(c -> c.equals(Types.ELLIPSIS));
            String[] notes = Suggestions.didYouMean(n.text(), candidates);
            String standard = ModuleLoader.standardNames().get(n.text());
            if (notes.length == 0 && standard != null && !isLibrary(n.span())) {
                notes = new String[] {"help: '" + n.text() + "' is a standard layer; add 'import std." + standard + ".*' at the top of the file"};
            } else if (notes.length == 0 && n.text().equals("op")) {
                notes = new String[] {"note: expected a graph op as op.NAME, e.g. op.relu"};
            } else if (notes.length == 0) {
                notes = new String[] {what.equals("layer")
                        ? "note: layers are defined in this file or imported, e.g. with 'import std.nn.*'"
                        : "note: expected an input, a config parameter, a dimension, a 'param' or a 'let' of this body, or a layer"};
            }
            throw new CompileError(n.span(), "unknown name '" + n.text() + "'" + (what.equals("layer") ? " (expected a layer)" : ""),
                    notes);
        }
        if (path.getFirst().equals("math") && path.size() == 2 && env.get("math") == null) {
            var fn = CompileTimeMath.Fn.fromText(path.get(1));
            if (fn.isEmpty()) {
                throw new CompileError(n.span(), "unknown function '" + n.text() + "'",
                        append(Suggestions.didYouMean(path.get(1), CompileTimeMath.Fn.names()),
                                "note: math functions are " + String.join(", ", CompileTimeMath.Fn.names())));
            }
            return new Val.MathV(fn.get());
        }
        if (path.getFirst().equals("op") && path.size() == 2) {
            var op = Op.fromText(path.get(1)).filter(OpCalls::callable);
            if (op.isEmpty()) {
                throw new CompileError(n.span(), "unknown op '" + n.text() + "'",
                        append(Suggestions.didYouMean(path.get(1), OpCalls.callableNames()),
                                "note: ops are " + String.join(", ", OpCalls.callableNames())));
            }
            return new Val.OpV(op.get());
        }
        String last = path.getLast();
        throw new CompileError(n.span(), "unknown name '" + n.text() + "'",
                env.module.lookup(last) != null
                        ? new String[] {"note: expected a plain name: imported layers are used unqualified", "help: write '" + last + "'"}
                        : new String[] {"note: qualified names are only used for graph ops, as in op.relu"});
    }

    private Val negate(Val v, Span span) {
        return switch (v) {
            case Val.IntV i -> new Val.IntV(-i.value());
            case Val.FloatV f -> new Val.FloatV(-f.value());
            case Val.TensorV t -> new Val.TensorV(graph.add(Op.NEG, t.value()));
            case Val.ErrorV x -> throw new Poisoned();
            default -> throw new CompileError(span, "cannot negate " + Val.describe(v));
        };
    }

    private Val binary(Ast.Binary b, Val left, Val right) {
        if (left instanceof Val.ErrorV || right instanceof Val.ErrorV) throw new Poisoned();
        char op = b.op();
        if (left instanceof Val.TensorV || right instanceof Val.TensorV) {
            Value l = tensorOperand(left, right, b.left().span());
            Value r = tensorOperand(right, left, b.right().span());
            Op irOp = switch (op) {
                case '+' -> Op.ADD;
                case '-' -> Op.SUB;
                case '*' -> Op.MUL;
                case '/' -> Op.DIV;
                case '@' -> Op.MATMUL;
                default -> throw new IllegalStateException("operator " + op);
            };
            try {
                return new Val.TensorV(graph.add(irOp, l, r));
            } catch (ShapeError e) {
                // The IR's message names both types; the note says what would have fit.
                DType target = l.type().dtype().isFloat() ? l.type().dtype() : r.type().dtype();
                String expected = l.type().dtype() != r.type().dtype()
                        ? "help: expected operands of one element type; convert one with op.cast(x, dtype: \""
                                + target.text() + "\")"
                        : op == '@' ? "note: expected [..., M, K] @ [..., K, N]"
                        : "note: expected equal dimensions, or 1 in one operand, aligned from the last axis";
                throw new CompileError(b.span(), "'" + op + "': " + e.getMessage(), expected);
            }
        }
        if (op == '@') {
            throw new CompileError(b.span(), "'@' multiplies tensors; found " + Val.describe(left) + " and " + Val.describe(right));
        }
        if (left instanceof Val.IntV x && right instanceof Val.IntV y) {
            long a = x.value(), c = y.value();
            try {
                return intArithmetic(op, a, c, b);
            } catch (ArithmeticException overflow) {
                throw new CompileError(b.span(), a + " " + op + " " + c + " overflows a 64-bit int",
                        "note: expected a result between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
            }
        }
        if ((left instanceof Val.IntV || left instanceof Val.DimV) && (right instanceof Val.IntV || right instanceof Val.DimV)) {
            return dimValue(Types.arithmetic(op, Types.asDim(left, b.left().span(), "the left operand"),
                    Types.asDim(right, b.right().span(), "the right operand"), b.span(), null));
        }
        if ((left instanceof Val.IntV || left instanceof Val.FloatV) && (right instanceof Val.IntV || right instanceof Val.FloatV)) {
            double a = number(left), c = number(right);
            return new Val.FloatV(switch (op) {
                case '+' -> a + c;
                case '-' -> a - c;
                case '*' -> a * c;
                default -> a / c;
            });
        }
        throw new CompileError(b.span(), "'" + op + "' cannot combine " + Val.describe(left) + " and " + Val.describe(right));
    }

    /** Exact int arithmetic: overflow throws ArithmeticException, '/' must divide evenly. */
    private static Val intArithmetic(char op, long a, long c, Ast.Binary b) {
        return switch (op) {
            case '+' -> new Val.IntV(Math.addExact(a, c));
            case '-' -> new Val.IntV(Math.subtractExact(a, c));
            case '*' -> new Val.IntV(Math.multiplyExact(a, c));
            default -> {
                if (c == 0 || a % c != 0) {
                    throw new CompileError(b.span(), a + " / " + c + " is not a whole number",
                            "note: '/' on ints divides exactly (it computes sizes); use floats such as " + a + ".0 / " + c + " for a fraction");
                }
                yield new Val.IntV(a / c);
            }
        };
    }

    private static Val dimValue(dev.nnc.ir.Dim d) {
        return d.isKnown() ? new Val.IntV(d.known().getAsLong()) : new Val.DimV(d);
    }

    /** A tensor operand; a number beside a tensor becomes a scalar constant of that tensor's dtype. */
    private Value tensorOperand(Val v, Val other, Span span) {
        if (v instanceof Val.TensorV t) return t.value();
        if ((v instanceof Val.IntV || v instanceof Val.FloatV) && other instanceof Val.TensorV t) {
            return graph.constant(number(v), t.value().type().dtype());
        }
        throw new CompileError(span, "expected a tensor or a number here, found " + Val.describe(v));
    }

    static double number(Val v) {
        return numberOr(v, () -> new IllegalArgumentException("not a number: " + v));
    }

    static <X extends RuntimeException> double numberOr(Val v, Supplier<X> error) {
        if (v instanceof Val.IntV i) return i.value();
        if (v instanceof Val.FloatV f) return f.value();
        throw error.get();
    }

    private Value tensor(Val v, Span span, String what) {
        if (v instanceof Val.TensorV t) return t.value();
        if (v instanceof Val.ErrorV) throw new Poisoned();
        throw new CompileError(span, what + " must be a tensor, found " + Val.describe(v));
    }

    // ---- calls, pipes and layers ----

    /** Evaluated call arguments: positional values, named values, and where each came from. */
    private record Args(List<Val> positional, Map<String, Val> named, List<Span> positionalSpans,
                        Map<String, Span> namedSpans) {
        static Args none() { return new Args(List.of(), Map.of(), List.of(), Map.of()); }

        Args prepend(Val v, Span span) {
            List<Val> p = new ArrayList<>(positional);
            p.addFirst(v);
            List<Span> s = new ArrayList<>(positionalSpans);
            s.addFirst(span);
            return new Args(p, named, s, namedSpans);
        }
    }

    private Args args(List<Ast.Arg> args, Env env, Instance instance) {
        List<Val> positional = new ArrayList<>();
        List<Span> positionalSpans = new ArrayList<>();
        Map<String, Val> named = new LinkedHashMap<>();
        Map<String, Span> namedSpans = new LinkedHashMap<>();
        for (Ast.Arg a : args) {
            Val v = expr(a.value(), env, instance);
            if (v instanceof Val.ErrorV) throw new Poisoned();
            if (a.name() == null) {
                if (!named.isEmpty()) {
                    throw new CompileError(a.span(), "a positional argument cannot follow named arguments",
                            "note: expected positional arguments first, then named ones");
                }
                positional.add(v);
                positionalSpans.add(a.span());
            } else {
                if (named.containsKey(a.name())) throw new CompileError(a.span(), "argument '" + a.name() + "' is given twice");
                named.put(a.name(), v);
                namedSpans.put(a.name(), a.span());
            }
        }
        return new Args(positional, named, positionalSpans, namedSpans);
    }

    private Val call(Ast.Call c, Env env, Instance instance) {
        Val callee = callee(c.callee(), env, instance);
        Args args = args(c.args(), env, instance);
        return switch (callee) {
            case Val.LayerV l when l.config() == null && hasConfig(l.decl()) -> configure(l, args, c.span());
            case Val.LayerV l -> apply(l, args, List.of(), c.span(), instance);
            case Val.OpV o -> new Val.TensorV(ops.call(o.op(), args.positional(), args.named(), args.namedSpans(), c.span()));
            case Val.MathV m -> CompileTimeMath.apply(m.fn(), args.positional(), args.positionalSpans(), !args.named().isEmpty(), c.span());
            default -> throw new CompileError(c.callee().span(), Val.describe(callee) + " cannot be called",
                    "note: only layers, ops (op.NAME) and math functions (math.NAME) can be called");
        };
    }

    private Val pipe(Ast.Pipe p, Env env, Instance instance) {
        Val input = expr(p.input(), env, instance);
        if (input instanceof Val.ErrorV) throw new Poisoned();
        Val stage;
        Args args;
        if (p.stage() instanceof Ast.Call c) {
            stage = callee(c.callee(), env, instance);
            args = args(c.args(), env, instance);
            if (stage instanceof Val.LayerV l && l.config() == null && hasConfig(l.decl())) {
                stage = configure(l, args, c.span());
                args = Args.none();
            }
        } else {
            stage = callee(p.stage(), env, instance);
            args = Args.none();
        }
        // A piped value that does not fit is reported at the stage it is piped into.
        args = args.prepend(input, p.span());
        return switch (stage) {
            case Val.LayerV l -> apply(l, args, p.label(), p.span(), instance);
            case Val.OpV o -> {
                if (!p.label().isEmpty()) {
                    throw new CompileError(p.span(), "a label names a layer instance; op." + o.op().text() + " has no parameters to name",
                            "help: expected a label only before a layer; remove the label '" + String.join(".", p.label()) + ":'");
                }
                yield new Val.TensorV(ops.call(o.op(), args.positional(), args.named(), args.namedSpans(), p.span()));
            }
            case Val.ErrorV x -> throw new Poisoned();
            default -> throw new CompileError(p.stage().span(), "cannot pipe into " + Val.describe(stage),
                    "note: the right of '|>' must be a layer or an op");
        };
    }

    private static boolean hasConfig(Ast.Layer layer) { return !layer.config().isEmpty(); }

    /** Binds a layer's config parameters: checks names, counts, types; fills defaults. */
    private Val.LayerV configure(Val.LayerV layer, Args args, Span span) {
        Ast.Layer decl = layer.decl();
        List<Ast.ParamDecl> params = decl.config();
        String layerName = "layer '" + decl.name() + "'";
        if (args.positional().size() > params.size()) {
            throw new CompileError(args.positionalSpans().get(params.size()), layerName + " takes " + params.size()
                    + " config argument" + (params.size() == 1 ? "" : "s") + " but " + args.positional().size() + " were given",
                    "note: its config is (" + signature(params) + "); tensors are passed by '|>' or a second call: "
                            + decl.name() + "(...)(x)");
        }
        // A misspelled name is reported as such, before it makes a required argument look missing.
        for (var e : args.named().entrySet()) {
            if (params.stream().noneMatch(p -> p.name().equals(e.getKey()))) {
                List<String> names = params.stream().map(Ast.ParamDecl::name).toList();
                String[] notes = Suggestions.didYouMean(e.getKey(), names);
                throw new CompileError(args.namedSpans().get(e.getKey()), layerName + " has no parameter '" + e.getKey() + "'",
                        append(notes, "note: its config is (" + signature(params) + ")"));
            }
        }
        Env defaults = new Env(layer.home());
        Map<String, Val> config = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Ast.ParamDecl p = params.get(i);
            Val v;
            Span at;
            if (i < args.positional().size()) {
                if (args.named().containsKey(p.name())) {
                    throw new CompileError(args.namedSpans().get(p.name()), "argument '" + p.name() + "' of " + layerName
                            + " is given twice", "note: expected each argument once; '" + p.name() + "' is also argument " + (i + 1) + " by position",
                            "note: its config is (" + signature(params) + ")");
                }
                v = args.positional().get(i);
                at = args.positionalSpans().get(i);
            } else if (args.named().containsKey(p.name())) {
                v = args.named().get(p.name());
                at = args.namedSpans().get(p.name());
            } else if (p.defaultValue() != null) {
                v = expr(p.defaultValue(), defaults, Instance.root());
                at = p.defaultValue().span();
            } else {
                throw new CompileError(span, layerName + " needs the argument '" + p.name() + ": " + Types.print(p.type()) + "'",
                        "note: its config is (" + signature(params) + ")");
            }
            v = checkConfig(p, v, layerName, at);
            config.put(p.name(), v);
            defaults.bind(p.name(), v, p.span());
        }
        return new Val.LayerV(decl, layer.home(), config);
    }

    private static String signature(List<Ast.ParamDecl> params) {
        return String.join(", ", params.stream().map(p -> p.name() + ": " + Types.print(p.type())).toList());
    }

    private Val checkConfig(Ast.ParamDecl p, Val v, String layerName, Span at) {
        String what = "argument '" + p.name() + "' of " + layerName;
        return switch (p.type()) {
            case Ast.ScalarType s -> switch (s.name()) {
                case "int" -> {
                    if (v instanceof Val.IntV || v instanceof Val.DimV) yield v;
                    throw new CompileError(at, what + " must be an int, found " + Val.describe(v));
                }
                case "float" -> {
                    if (v instanceof Val.IntV i) yield new Val.FloatV(i.value());
                    if (v instanceof Val.FloatV) yield v;
                    throw new CompileError(at, what + " must be a float, found " + Val.describe(v));
                }
                case "bool" -> {
                    if (v instanceof Val.BoolV) yield v;
                    throw new CompileError(at, what + " must be true or false, found " + Val.describe(v));
                }
                case "str" -> {
                    if (v instanceof Val.StrV) yield v;
                    throw new CompileError(at, what + " must be a string, found " + Val.describe(v));
                }
                case "any" -> {
                    if (v instanceof Val.TensorV || v instanceof Val.LayerV || v instanceof Val.OpV || v instanceof Val.MathV) {
                        throw new CompileError(at, what + " must be a compile-time value, found " + Val.describe(v));
                    }
                    yield v;
                }
                default -> throw new CompileError(s.span(), "unknown parameter type '" + s.name() + "'",
                        "note: expected int, float, bool, str, any, a list such as [int], or a tensor type in the input list");
            };
            case Ast.ListType l -> {
                if (!(v instanceof Val.ListV list)) throw new CompileError(at, what + " must be a list, found " + Val.describe(v));
                Ast.ParamDecl element = new Ast.ParamDecl(p.name() + " element", p.span(), l.element(), null);
                List<Val> items = new ArrayList<>();
                for (Val item : list.items()) items.add(checkConfig(element, item, layerName, at));
                yield new Val.ListV(items);
            }
            case Ast.TensorType t -> throw new CompileError(t.span(), "config parameter '" + p.name() + "' of " + layerName
                    + " has a tensor type", "note: expected int, float, bool, str, any or a list such as [int]",
                    "help: tensors go in the layer's second parameter list: layer name(config)(x: f32[...])");
        };
    }

    /** Expands a layer at this point of the graph. */
    private Val apply(Val.LayerV layer, Args args, List<String> label, Span span, Instance instance) {
        Ast.Layer decl = layer.decl();
        if (layer.config() == null && hasConfig(decl)) layer = configure(layer, Args.none(), span);
        if (stack.contains(decl)) {
            throw new CompileError(span, "layer '" + decl.name() + "' uses itself; layers cannot be recursive",
                    "note: it is applied through " + String.join(" -> ", stack.subList(stack.indexOf(decl), stack.size())
                            .stream().map(Ast.Layer::name).toList()) + " -> " + decl.name(),
                    "note: expected a layer to apply only other layers; the language has no loops or recursion");
        }
        if (stack.size() >= MAX_DEPTH) throw new CompileError(span, "layers are nested more than " + MAX_DEPTH + " deep");
        String layerName = "layer '" + decl.name() + "'";
        List<Ast.ParamDecl> inputs = decl.inputs();
        if (args.positional().size() > inputs.size()) {
            throw new CompileError(span, layerName + " takes " + inputs.size() + " tensor input"
                    + (inputs.size() == 1 ? "" : "s") + " but " + args.positional().size() + " were given",
                    "note: its inputs are (" + signature(inputs) + ")");
        }
        // A misspelled input name is reported as such, before it makes an input look missing.
        for (String named : args.named().keySet()) {
            if (inputs.stream().noneMatch(p -> p.name().equals(named))) {
                throw new CompileError(args.namedSpans().get(named), layerName + " has no tensor input '" + named + "'",
                        append(Suggestions.didYouMean(named, inputs.stream().map(Ast.ParamDecl::name).toList()),
                                "note: its inputs are (" + signature(inputs) + ")"));
            }
        }
        Env env = new Env(layer.home());
        if (layer.config() != null) {
            for (Ast.ParamDecl p : decl.config()) env.bind(p.name(), layer.config().get(p.name()), p.span());
        }
        for (int i = 0; i < inputs.size(); i++) {
            Ast.ParamDecl p = inputs.get(i);
            Val v;
            Span at;
            if (i < args.positional().size()) {
                v = args.positional().get(i);
                at = args.positionalSpans().get(i);
            } else if (args.named().containsKey(p.name())) {
                v = args.named().get(p.name());
                at = args.namedSpans().get(p.name());
            } else {
                throw new CompileError(span, layerName + " needs the tensor input '" + p.name() + "'",
                        "note: its inputs are (" + signature(inputs) + ")");
            }
            if (v instanceof Val.ErrorV) throw new Poisoned();
            if (!(v instanceof Val.TensorV t)) {
                throw new CompileError(at, "input '" + p.name() + "' of " + layerName + " must be a tensor, found " + Val.describe(v));
            }
            Types.match(p.type(), t.value().type(), env, "input '" + p.name() + "' of " + layerName, at);
            env.define(p.name(), v, p.span());
        }
        Instance inner = instance.child(label.isEmpty() ? instance.autoLabel(decl.name()) : label);
        stack.add(decl);
        applications.add(span);
        List<Val> results;
        try {
            results = block(decl.body(), env, inner);
        } finally {
            stack.removeLast();
            applications.removeLast();
        }
        if (results == null) throw new Poisoned();
        if (results.size() != 1) {
            throw new CompileError(span, layerName + " returns " + results.size() + " values; a layer returns one tensor",
                    "note: expected a single result; several results are for models with named outputs");
        }
        Value out = tensor(results.getFirst(), decl.body().span(), "the result of " + layerName);
        if (decl.outputs() != null) {
            TensorType want = Types.resolve(decl.outputs().getFirst().type(), env, Types.Unbound.ERROR);
            Types.check(want, out.type(), "the result of " + layerName, span);
        }
        return new Val.TensorV(out);
    }
}
