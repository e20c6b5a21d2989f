package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.IrTokens;
import dev.nnc.ir.IrTokens.Kind;
import dev.nnc.ir.IrTokens.Token;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the kernel IR text that {@link KernelPrinter} writes. The parser checks the syntax:
 * known kernel names, the number of bufs each kernel takes, every attribute given exactly
 * once with a value of its type (a softmax's {@code scale} may be left out: it is then 1; a
 * convolution's {@code input_layout} too: it is then its {@code layout}),
 * known functions with their arity in expressions. It does not check meaning (where bufs
 * come from, shapes): {@link KernelVerifier} does. Dims and types use the graph IR's syntax
 * and are built with {@link Dim}'s factories, so they compare equal to the graph IR's.
 * Comments run from {@code //} to the end of the line.
 *
 * <pre>
 * program := 'kernels' NAME '{' decl* 'arena' DIM ('prepare' kernel)* kernel* '}'
 * decl    := ('input' | 'weight' | 'derived' | 'output') NAME ('@' DIM)? ':' TYPE
 * kernel  := OP '(' (buf (',' buf)*)? ')' '->' buf ('=' expr | '{' (attr (',' attr)*)? '}' epilogue?)
 * epilogue:= 'epilogue' '(' (buf (',' buf)*)? ')' '=' expr            (matmul and conv2d only)
 * buf     := ('in' | 'out' | 'w' | 'arena') ':' NAME ('@' DIM)? ':' TYPE      (arena bufs need '@')
 * expr    := '%' INT | '-'? (NUMBER | 'inf' | 'nan') | FN '(' expr (',' expr)* ')'
 * </pre>
 */
public final class KernelParser {

    /**
     * The graph IR's tokens, except that names may be dotted ({@code encoder.layer.0.x}),
     * {@code %N} is an input reference, and {@code @} and {@code ->} are punctuation.
     */
    private static final IrTokens.Syntax SYNTAX = new IrTokens.Syntax(
            List.of("(", ")", "{", "}", "[", "]", ",", "=", ":", "+", "-", "*", "/", "@", "->"),
            IrTokens.Names.DOTTED_ASCII, "an input number", false);

    private static final Map<String, Space> SPACES =
            Arrays.stream(Space.values()).collect(Collectors.toMap(Space::text, s -> s));

    private final IrTokens in;

    private KernelParser(String text) {
        this.in = new IrTokens(text, SYNTAX, KernelParseException::new);
    }

    /** Parses one program. */
    public static KernelProgram parse(String text) {
        return new KernelParser(text).program();
    }

    /** Parses one kernel line such as {@code elementwise(in:x : f32[4]) -> out:y : f32[4] = relu(%0)}. */
    public static Kernel parseKernel(String text) {
        KernelParser p = new KernelParser(text);
        Kernel k = p.kernel();
        p.in.expectEnd();
        return k;
    }

    /** Parses an elementwise expression such as {@code add(mul(%0, %1), -1.5)}. */
    public static Expr parseExpr(String text) {
        KernelParser p = new KernelParser(text);
        Expr e = p.expr();
        p.in.expectEnd();
        return e;
    }

    // ---------------------------------------------------------------------------------
    // Grammar

    private KernelProgram program() {
        in.expectWord("kernels");
        String name = in.name("a program name");
        in.expect("{");
        List<Buf> inputs = new ArrayList<>(), weights = new ArrayList<>(), derived = new ArrayList<>();
        List<Buf> outputs = new ArrayList<>();
        while (true) {
            Token t = in.peek();
            if (t.isIdent("input")) inputs.add(declaration(Space.INPUT));
            else if (t.isIdent("weight")) weights.add(declaration(Space.WEIGHT));
            else if (t.isIdent("derived")) derived.add(declaration(Space.WEIGHT));
            else if (t.isIdent("output")) outputs.add(declaration(Space.OUTPUT));
            else if (t.isIdent("arena")) break;
            else throw in.error(t, "expected 'input', 'weight', 'derived', 'output' or 'arena' but found " + t.describe());
        }
        in.next();
        Dim arenaSize = in.dim();
        List<Kernel> prepare = new ArrayList<>();
        while (in.peek().isIdent("prepare")) {
            in.next();
            prepare.add(kernel());
        }
        List<Kernel> kernels = new ArrayList<>();
        while (!in.peek().is("}") && in.peek().kind() != Kind.EOF) {
            if (in.peek().isIdent("prepare")) throw in.error(in.peek(), "prepare kernels come before the run-time kernels");
            kernels.add(kernel());
        }
        in.expect("}");
        in.expectEnd();
        return new KernelProgram(name, inputs, weights, derived, outputs, arenaSize, prepare, kernels);
    }

    private Buf declaration(Space space) {
        in.next();
        String name = in.name("a buffer name");
        Dim offset = in.accept("@") ? in.dim() : Dim.of(0);
        in.expect(":");
        return new Buf(space, name, offset, in.type());
    }

    private Kernel kernel() {
        Token opTok = in.peek();
        if (opTok.kind() != Kind.IDENT) throw in.error(opTok, "expected a kernel such as matmul but found " + opTok.describe());
        in.next();
        KernelOp op = KernelOp.fromText(opTok.text()).orElseThrow(() -> in.error(opTok, "unknown kernel '" + opTok.text()
                + "' (expected one of " + Arrays.stream(KernelOp.values()).map(o -> o.text)
                .collect(Collectors.joining(", ")) + ")"));
        in.expect("(");
        List<Buf> ins = new ArrayList<>();
        if (!in.peek().is(")")) {
            do ins.add(buf()); while (in.accept(","));
        }
        Token close = in.peek();
        in.expect(")");
        if (ins.size() < op.minIns || ins.size() > op.maxIns) {
            throw in.error(close, op.text + " reads " + count(op) + " but has " + ins.size());
        }
        in.expect("->");
        Buf out = buf();
        if (op == KernelOp.ELEMENTWISE) {
            in.expect("=");
            Expr e = expr();
            noEpilogue(op);
            return op.build(out, ins, List.of(), e, null);
        }
        List<Object> attrs = attributes(op, opTok);
        Kernel.Epilogue epilogue = Kernel.Epilogue.NONE;
        if (!op.hasEpilogue()) noEpilogue(op);
        else if (in.peek().isIdent("epilogue")) {
            in.next();
            in.expect("(");
            List<Buf> extra = new ArrayList<>();
            if (!in.peek().is(")")) {
                do extra.add(buf()); while (in.accept(","));
            }
            in.expect(")");
            in.expect("=");
            epilogue = new Kernel.Epilogue(extra, expr());
        }
        return op.build(out, ins, attrs, null, epilogue);
    }

    /**
     * No kernel is named 'epilogue', so one after a kernel that cannot have it is a misplaced
     * epilogue; saying so beats "unknown kernel 'epilogue'".
     */
    private void noEpilogue(KernelOp op) {
        Token t = in.peek();
        if (t.isIdent("epilogue")) throw in.error(t, op.text + " cannot have an epilogue (only matmul and conv2d can)");
    }

    private static String count(KernelOp op) {
        String n = op.minIns == op.maxIns ? Integer.toString(op.minIns) : op.minIns + " or " + op.maxIns;
        return n + (op.maxIns == 1 ? " buffer" : " buffers");
    }

    /** {@code {name=value, ...}} with every attribute of the op exactly once (optional ones at most once), in any order. */
    private List<Object> attributes(KernelOp op, Token opTok) {
        Map<String, Object> given = new HashMap<>();
        in.expect("{");
        if (!in.peek().is("}")) {
            do {
                Token nameTok = in.peek();
                if (nameTok.kind() != Kind.IDENT) throw in.error(nameTok, "expected an attribute name but found " + nameTok.describe());
                in.next();
                KernelOp.Attr attr = op.attrs.stream().filter(a -> a.name().equals(nameTok.text())).findFirst()
                        .orElseThrow(() -> in.error(nameTok, op.text + " has no attribute '" + nameTok.text() + "' (it has "
                                + op.attrs.stream().map(KernelOp.Attr::name).collect(Collectors.joining(", ")) + ")"));
                if (given.containsKey(attr.name())) throw in.error(nameTok, "attribute '" + attr.name() + "' is given twice");
                in.expect("=");
                given.put(attr.name(), value(attr));
            } while (in.accept(","));
        }
        Token close = in.peek();
        in.expect("}");
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < op.attrs.size(); i++) {
            KernelOp.Attr a = op.attrs.get(i);
            if (given.containsKey(a.name())) values.add(given.get(a.name()));
            else if (a.optional()) values.add(op.defaultOf(i, values));
            else throw in.error(close, op.text + " needs attribute '" + a.name() + "'");
        }
        return values;
    }

    private Object value(KernelOp.Attr attr) {
        return switch (attr.type()) {
            case INT -> integer();
            case FLOAT -> in.real();
            case BOOL -> {
                Token t = in.peek();
                if (!t.isIdent("true") && !t.isIdent("false")) {
                    throw in.error(t, "expected true or false for '" + attr.name() + "' but found " + t.describe());
                }
                in.next();
                yield Boolean.valueOf(t.text());
            }
            case LAYOUT -> {
                Token t = in.peek();
                Kernel.Layout layout = Arrays.stream(Kernel.Layout.values()).filter(l -> t.isIdent(l.text())).findFirst()
                        .orElseThrow(() -> in.error(t, "expected a layout (nchw or nhwc) for '" + attr.name() + "' but found " + t.describe()));
                in.next();
                yield layout;
            }
            case INTS -> {
                in.expect("[");
                List<Integer> list = new ArrayList<>();
                if (!in.peek().is("]")) {
                    do list.add(integer()); while (in.accept(","));
                }
                in.expect("]");
                yield List.copyOf(list);
            }
        };
    }

    private Buf buf() {
        Token spaceTok = in.peek();
        Space space = spaceTok.kind() == Kind.IDENT ? SPACES.get(spaceTok.text()) : null;
        if (space == null) {
            throw in.error(spaceTok, "expected a buffer such as arena:t0@0 : f32[4] (space in, out, w or arena) but found "
                    + spaceTok.describe());
        }
        in.next();
        in.expect(":");
        String name = in.name("a buffer name");
        Dim offset = Dim.of(0);
        if (in.accept("@")) offset = in.dim();
        else if (space == Space.ARENA) throw in.error(in.peek(), "expected '@' and the offset of arena buffer '" + name + "'");
        in.expect(":");
        return new Buf(space, name, offset, in.type());
    }

    private Expr expr() {
        Token t = in.peek();
        if (t.kind() == Kind.REF) {
            in.next();
            try {
                return new Expr.In(Integer.parseInt(t.text().substring(1)));
            } catch (NumberFormatException e) {
                throw in.error(t, "input number " + t.text() + " is too large");
            }
        }
        if (t.is("-") || t.kind() == Kind.INT || t.kind() == Kind.FLOAT || t.isIdent("inf") || t.isIdent("nan")) {
            return new Expr.Const(in.real());
        }
        if (t.kind() != Kind.IDENT) throw in.error(t, "expected an expression (%0, a number or fn(...)) but found " + t.describe());
        in.next();
        Optional<Expr.UnaryFn> unary = Arrays.stream(Expr.UnaryFn.values()).filter(f -> f.text().equals(t.text())).findFirst();
        Optional<Expr.BinaryFn> binary = Arrays.stream(Expr.BinaryFn.values()).filter(f -> f.text().equals(t.text())).findFirst();
        if (unary.isEmpty() && binary.isEmpty()) throw in.error(t, "unknown function '" + t.text() + "'");
        in.expect("(");
        List<Expr> args = new ArrayList<>();
        do args.add(expr()); while (in.accept(","));
        in.expect(")");
        int arity = unary.isPresent() ? 1 : 2;
        if (args.size() != arity) {
            throw in.error(t, t.text() + " takes " + arity + (arity == 1 ? " argument" : " arguments") + " but has " + args.size());
        }
        return unary.isPresent() ? new Expr.Unary(unary.get(), args.get(0))
                : new Expr.Binary(binary.get(), args.get(0), args.get(1));
    }

    /** Kernel integer attributes are Java ints. */
    private int integer() {
        return (int) in.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
}
