package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.runtime.DType;
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
 * once with a value of its type, known functions with their arity in expressions. It does
 * not check meaning (where bufs come from, shapes): {@link KernelVerifier} does. Dims and
 * types use the graph IR's syntax and are built with {@link Dim}'s factories, so they
 * compare equal to the graph IR's. Comments run from {@code //} to the end of the line.
 *
 * <pre>
 * program := 'kernels' NAME '{' decl* 'arena' DIM kernel* '}'
 * decl    := ('input' | 'weight' | 'output') NAME ('@' DIM)? ':' TYPE
 * kernel  := OP '(' (buf (',' buf)*)? ')' '->' buf ('=' expr | '{' (attr (',' attr)*)? '}')
 * buf     := ('in' | 'out' | 'w' | 'arena') ':' NAME ('@' DIM)? ':' TYPE      (arena bufs need '@')
 * expr    := '%' INT | '-'? (NUMBER | 'inf' | 'nan') | FN '(' expr (',' expr)* ')'
 * </pre>
 */
public final class KernelParser {

    private enum Kind { IDENT, INT, FLOAT, STRING, INPUT_REF, PUNCT, EOF }

    private record Token(Kind kind, String text, int line, int col) {
        boolean is(String punct) { return kind == Kind.PUNCT && text.equals(punct); }

        boolean isIdent(String word) { return kind == Kind.IDENT && text.equals(word); }

        String describe() {
            return switch (kind) {
                case EOF -> "end of input";
                case STRING -> "string " + text;
                default -> "'" + text + "'";
            };
        }
    }

    private static final Map<String, Space> SPACES =
            Arrays.stream(Space.values()).collect(Collectors.toMap(Space::text, s -> s));

    private final List<Token> tokens;
    private int pos;

    private KernelParser(String text) {
        this.tokens = new Lexer(text).run();
    }

    /** Parses one program. */
    public static KernelProgram parse(String text) {
        return new KernelParser(text).program();
    }

    /** Parses one kernel line such as {@code elementwise(in:x : f32[4]) -> out:y : f32[4] = relu(%0)}. */
    public static Kernel parseKernel(String text) {
        KernelParser p = new KernelParser(text);
        Kernel k = p.kernel();
        p.expectEnd();
        return k;
    }

    /** Parses an elementwise expression such as {@code add(mul(%0, %1), -1.5)}. */
    public static Expr parseExpr(String text) {
        KernelParser p = new KernelParser(text);
        Expr e = p.expr();
        p.expectEnd();
        return e;
    }

    // ---------------------------------------------------------------------------------
    // Grammar

    private KernelProgram program() {
        expectWord("kernels");
        String name = name("a program name");
        expect("{");
        List<Buf> inputs = new ArrayList<>(), weights = new ArrayList<>(), outputs = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.isIdent("input")) inputs.add(declaration(Space.INPUT));
            else if (t.isIdent("weight")) weights.add(declaration(Space.WEIGHT));
            else if (t.isIdent("output")) outputs.add(declaration(Space.OUTPUT));
            else if (t.isIdent("arena")) break;
            else throw error(t, "expected 'input', 'weight', 'output' or 'arena' but found " + t.describe());
        }
        next();
        Dim arenaSize = dim();
        List<Kernel> kernels = new ArrayList<>();
        while (!peek().is("}") && peek().kind != Kind.EOF) kernels.add(kernel());
        expect("}");
        expectEnd();
        return new KernelProgram(name, inputs, weights, outputs, arenaSize, kernels);
    }

    private Buf declaration(Space space) {
        next();
        String name = name("a buffer name");
        Dim offset = accept("@") ? dim() : Dim.of(0);
        expect(":");
        return new Buf(space, name, offset, type());
    }

    private Kernel kernel() {
        Token opTok = peek();
        if (opTok.kind != Kind.IDENT) throw error(opTok, "expected a kernel such as matmul but found " + opTok.describe());
        next();
        KernelOp op = KernelOp.fromText(opTok.text).orElseThrow(() -> error(opTok, "unknown kernel '" + opTok.text
                + "' (expected one of " + Arrays.stream(KernelOp.values()).map(o -> o.text)
                .collect(Collectors.joining(", ")) + ")"));
        expect("(");
        List<Buf> ins = new ArrayList<>();
        if (!peek().is(")")) {
            do ins.add(buf()); while (accept(","));
        }
        Token close = peek();
        expect(")");
        if (ins.size() < op.minIns || ins.size() > op.maxIns) {
            throw error(close, op.text + " reads " + count(op) + " but has " + ins.size());
        }
        expect("->");
        Buf out = buf();
        if (op == KernelOp.ELEMENTWISE) {
            expect("=");
            return op.build(out, ins, List.of(), expr());
        }
        return op.build(out, ins, attributes(op, opTok), null);
    }

    private static String count(KernelOp op) {
        String n = op.minIns == op.maxIns ? Integer.toString(op.minIns) : op.minIns + " or " + op.maxIns;
        return n + (op.maxIns == 1 ? " buffer" : " buffers");
    }

    /** {@code {name=value, ...}} with every attribute of the op exactly once, in any order. */
    private List<Object> attributes(KernelOp op, Token opTok) {
        Map<String, Object> given = new HashMap<>();
        expect("{");
        if (!peek().is("}")) {
            do {
                Token nameTok = peek();
                if (nameTok.kind != Kind.IDENT) throw error(nameTok, "expected an attribute name but found " + nameTok.describe());
                next();
                KernelOp.Attr attr = op.attrs.stream().filter(a -> a.name().equals(nameTok.text)).findFirst()
                        .orElseThrow(() -> error(nameTok, op.text + " has no attribute '" + nameTok.text + "' (it has "
                                + op.attrs.stream().map(KernelOp.Attr::name).collect(Collectors.joining(", ")) + ")"));
                if (given.containsKey(attr.name())) throw error(nameTok, "attribute '" + attr.name() + "' is given twice");
                expect("=");
                given.put(attr.name(), value(attr));
            } while (accept(","));
        }
        Token close = peek();
        expect("}");
        List<Object> values = new ArrayList<>();
        for (KernelOp.Attr a : op.attrs) {
            if (!given.containsKey(a.name())) throw error(close, op.text + " needs attribute '" + a.name() + "'");
            values.add(given.get(a.name()));
        }
        return values;
    }

    private Object value(KernelOp.Attr attr) {
        return switch (attr.type()) {
            case INT -> integer();
            case FLOAT -> real();
            case BOOL -> {
                Token t = peek();
                if (!t.isIdent("true") && !t.isIdent("false")) {
                    throw error(t, "expected true or false for '" + attr.name() + "' but found " + t.describe());
                }
                next();
                yield Boolean.valueOf(t.text);
            }
            case INTS -> {
                expect("[");
                List<Integer> list = new ArrayList<>();
                if (!peek().is("]")) {
                    do list.add(integer()); while (accept(","));
                }
                expect("]");
                yield List.copyOf(list);
            }
        };
    }

    private Buf buf() {
        Token spaceTok = peek();
        Space space = spaceTok.kind == Kind.IDENT ? SPACES.get(spaceTok.text) : null;
        if (space == null) {
            throw error(spaceTok, "expected a buffer such as arena:t0@0 : f32[4] (space in, out, w or arena) but found "
                    + spaceTok.describe());
        }
        next();
        expect(":");
        String name = name("a buffer name");
        Dim offset = Dim.of(0);
        if (accept("@")) offset = dim();
        else if (space == Space.ARENA) throw error(peek(), "expected '@' and the offset of arena buffer '" + name + "'");
        expect(":");
        return new Buf(space, name, offset, type());
    }

    private Expr expr() {
        Token t = peek();
        if (t.kind == Kind.INPUT_REF) {
            next();
            try {
                return new Expr.In(Integer.parseInt(t.text.substring(1)));
            } catch (NumberFormatException e) {
                throw error(t, "input number " + t.text + " is too large");
            }
        }
        if (t.is("-") || t.kind == Kind.INT || t.kind == Kind.FLOAT || t.isIdent("inf") || t.isIdent("nan")) {
            return new Expr.Const(real());
        }
        if (t.kind != Kind.IDENT) throw error(t, "expected an expression (%0, a number or fn(...)) but found " + t.describe());
        next();
        Optional<Expr.UnaryFn> unary = Arrays.stream(Expr.UnaryFn.values()).filter(f -> f.text().equals(t.text)).findFirst();
        Optional<Expr.BinaryFn> binary = Arrays.stream(Expr.BinaryFn.values()).filter(f -> f.text().equals(t.text)).findFirst();
        if (unary.isEmpty() && binary.isEmpty()) throw error(t, "unknown function '" + t.text + "'");
        expect("(");
        List<Expr> args = new ArrayList<>();
        do args.add(expr()); while (accept(","));
        expect(")");
        int arity = unary.isPresent() ? 1 : 2;
        if (args.size() != arity) {
            throw error(t, t.text + " takes " + arity + (arity == 1 ? " argument" : " arguments") + " but has " + args.size());
        }
        return unary.isPresent() ? new Expr.Unary(unary.get(), args.get(0))
                : new Expr.Binary(binary.get(), args.get(0), args.get(1));
    }

    private int integer() {
        Token sign = accept("-") ? tokens.get(pos - 1) : null;
        Token t = peek();
        if (t.kind != Kind.INT) {
            throw error(t, "expected an integer but found " + (t.kind == Kind.FLOAT ? "the float " + t.text : t.describe()));
        }
        next();
        try {
            return Integer.parseInt((sign != null ? "-" : "") + t.text);
        } catch (NumberFormatException e) {
            throw error(sign != null ? sign : t, "integer " + (sign != null ? "-" : "") + t.text + " is out of range");
        }
    }

    private double real() {
        boolean negative = accept("-");
        Token t = peek();
        double v;
        if (t.kind == Kind.INT || t.kind == Kind.FLOAT) v = Double.parseDouble(t.text);
        else if (t.isIdent("inf")) v = Double.POSITIVE_INFINITY;
        else if (t.isIdent("nan")) v = Double.NaN;
        else throw error(t, "expected a number but found " + t.describe());
        next();
        return negative ? -v : v;
    }

    private TensorType type() {
        Token t = peek();
        if (t.kind != Kind.IDENT) throw error(t, "expected an element type such as f32 but found " + t.describe());
        next();
        DType dtype = DType.fromText(t.text).orElseThrow(() -> error(t, "unknown element type '" + t.text + "'"));
        expect("[");
        List<Dim> dims = new ArrayList<>();
        if (!peek().is("]")) {
            do dims.add(dim()); while (accept(","));
        }
        expect("]");
        return new TensorType(dtype, new Shape(dims));
    }

    /*
     * The graph IR's dim grammar, built with the same factories (IrParser's token stream is
     * private to it): dim := term (('+' | '-') term)*; term := factor (('*' | '/') factor)*;
     * factor := INT | IDENT | '(' dim ')'.
     */
    private Dim dim() {
        Dim d = term();
        while (peek().is("+") || peek().is("-")) {
            Token op = next();
            d = combine(op, d, term());
        }
        return d;
    }

    private Dim term() {
        Dim d = factor();
        while (peek().is("*") || peek().is("/")) {
            Token op = next();
            d = combine(op, d, factor());
        }
        return d;
    }

    private Dim factor() {
        Token t = peek();
        if (t.kind == Kind.INT) {
            next();
            try {
                return Dim.of(Long.parseLong(t.text));
            } catch (NumberFormatException e) {
                throw error(t, "dimension " + t.text + " is out of range");
            }
        }
        if (t.kind == Kind.IDENT) {
            next();
            return Dim.sym(t.text);
        }
        if (accept("(")) {
            Dim d = dim();
            expect(")");
            return d;
        }
        throw error(t, "expected a dimension but found " + t.describe());
    }

    private Dim combine(Token op, Dim a, Dim b) {
        try {
            return switch (op.text) {
                case "+" -> a.plus(b);
                case "-" -> a.minus(b);
                case "*" -> a.times(b);
                default -> a.div(b);
            };
        } catch (IllegalArgumentException e) {
            throw error(op, e.getMessage());
        }
    }

    private String name(String what) {
        Token t = peek();
        if (t.kind == Kind.IDENT) {
            next();
            return t.text;
        }
        if (t.kind == Kind.STRING) {
            next();
            return unquote(t);
        }
        throw error(t, "expected " + what + " but found " + t.describe());
    }

    // ---------------------------------------------------------------------------------
    // Token helpers

    private Token peek() { return tokens.get(pos); }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind != Kind.EOF) pos++;
        return t;
    }

    private boolean accept(String punct) {
        if (peek().is(punct)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String punct) {
        if (!accept(punct)) throw error(peek(), "expected '" + punct + "' but found " + peek().describe());
    }

    private void expectWord(String word) {
        if (!peek().isIdent(word)) throw error(peek(), "expected '" + word + "' but found " + peek().describe());
        next();
    }

    private void expectEnd() {
        if (peek().kind != Kind.EOF) throw error(peek(), "expected end of input but found " + peek().describe());
    }

    private static KernelParseException error(Token t, String message) {
        return new KernelParseException(t.line, t.col, message);
    }

    /** The value of a string token, whose text still has its quotes and escapes (checked by the lexer). */
    private static String unquote(Token t) {
        String s = t.text;
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e); // \" and \\
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------
    // Lexer

    /**
     * The graph IR's tokens, except that identifiers may be dotted ({@code encoder.layer.0.x}:
     * a dot joins two parts when a letter, digit or underscore follows it), {@code %N} is an
     * input reference, and {@code @} and {@code ->} are punctuation.
     */
    private static final class Lexer {
        private final String s;
        private int i;
        private int line = 1;
        private int lineStart;
        private final List<Token> out = new ArrayList<>();

        Lexer(String s) { this.s = s; }

        List<Token> run() {
            while (true) {
                skipSpaceAndComments();
                int col = i - lineStart + 1;
                if (i >= s.length()) {
                    out.add(new Token(Kind.EOF, "", line, col));
                    return out;
                }
                char c = s.charAt(i);
                int start = i;
                if (isIdentStart(c)) {
                    while (i < s.length() && (isIdentPart(s.charAt(i))
                            || s.charAt(i) == '.' && i + 1 < s.length() && isIdentPart(s.charAt(i + 1)))) {
                        i++;
                    }
                    out.add(new Token(Kind.IDENT, s.substring(start, i), line, col));
                } else if (isDigit(c)) {
                    out.add(number(col));
                } else if (c == '%') {
                    i++;
                    while (i < s.length() && isDigit(s.charAt(i))) i++;
                    if (i == start + 1) throw new KernelParseException(line, col, "expected an input number after '%'");
                    out.add(new Token(Kind.INPUT_REF, s.substring(start, i), line, col));
                } else if (c == '"') {
                    out.add(string(col));
                } else if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '>') {
                    i += 2;
                    out.add(new Token(Kind.PUNCT, "->", line, col));
                } else if ("(){}[],=:+-*/@".indexOf(c) >= 0) {
                    i++;
                    out.add(new Token(Kind.PUNCT, String.valueOf(c), line, col));
                } else {
                    throw new KernelParseException(line, col, "unexpected character '" + c + "'");
                }
            }
        }

        private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

        private static boolean isIdentStart(char c) { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'; }

        private static boolean isIdentPart(char c) { return isIdentStart(c) || isDigit(c); }

        private void skipSpaceAndComments() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    i++;
                    line++;
                    lineStart = i;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                    while (i < s.length() && s.charAt(i) != '\n') i++;
                } else {
                    return;
                }
            }
        }

        /** digits ('.' digits)? ([eE] [+-]? digits)? */
        private Token number(int col) {
            int start = i;
            boolean real = false;
            while (i < s.length() && isDigit(s.charAt(i))) i++;
            if (i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
                real = true;
                i++;
                while (i < s.length() && isDigit(s.charAt(i))) i++;
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                int j = i + 1;
                if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) j++;
                if (j < s.length() && isDigit(s.charAt(j))) {
                    real = true;
                    i = j;
                    while (i < s.length() && isDigit(s.charAt(i))) i++;
                }
            }
            return new Token(real ? Kind.FLOAT : Kind.INT, s.substring(start, i), line, col);
        }

        private Token string(int col) {
            int start = i++;
            while (true) {
                if (i >= s.length() || s.charAt(i) == '\n') throw new KernelParseException(line, col, "unterminated string");
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return new Token(Kind.STRING, s.substring(start, i), line, col);
                }
                if (c == '\\') {
                    if (i + 1 >= s.length()) throw new KernelParseException(line, col, "unterminated string");
                    char e = s.charAt(i + 1);
                    int ecol = i - lineStart + 1;
                    if (e == 'u') {
                        if (i + 6 > s.length() || !s.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                            throw new KernelParseException(line, ecol, "expected four hex digits after \\u");
                        }
                        i += 6;
                        continue;
                    }
                    if ("\"\\nrt".indexOf(e) < 0) {
                        throw new KernelParseException(line, ecol, "unknown escape \\" + e + " (use \\\" \\\\ \\n \\r \\t or \\uXXXX)");
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
        }
    }
}
