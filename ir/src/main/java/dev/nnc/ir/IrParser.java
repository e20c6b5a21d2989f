package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the graph IR text that {@link IrPrinter} writes. The parser checks the syntax, that
 * each op exists, that attribute names and kinds match the op (missing optional ones get
 * their defaults) and that every operand was defined by an earlier line; it takes each
 * result type as written and does not re-infer it ({@link Verifier} does that). Comments
 * run from {@code //} to the end of the line.
 */
public final class IrParser {

    private enum Kind { IDENT, INT, FLOAT, STRING, VALUE, PUNCT, EOF }

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

    private final List<Token> tokens;
    private int pos;
    private final Map<Integer, Value> values = new HashMap<>();
    private final Map<Integer, Integer> definedOnLine = new HashMap<>();

    private IrParser(String text) {
        this.tokens = new Lexer(text).run();
    }

    /** Parses one graph. */
    public static Graph parse(String text) {
        return new IrParser(text).graph();
    }

    /** Parses a dim expression such as {@code (S+1)*2}, built with {@link Dim}'s factories. */
    public static Dim parseDim(String text) {
        IrParser p = new IrParser(text);
        Dim d = p.dim();
        p.expectEnd();
        return d;
    }

    /** Parses a tensor type such as {@code f32[B,1,28,28]}. */
    public static TensorType parseType(String text) {
        IrParser p = new IrParser(text);
        TensorType t = p.type();
        p.expectEnd();
        return t;
    }

    // ---------------------------------------------------------------------------------
    // Grammar

    private Graph graph() {
        expectWord("graph");
        String name = name("a graph name");
        expect("{");
        List<Node> nodes = new ArrayList<>();
        while (peek().kind == Kind.VALUE) nodes.add(node());
        if (!peek().isIdent("return")) throw error(peek(), "expected a node or 'return' but found " + peek().describe());
        next();
        List<Graph.Output> outputs = new ArrayList<>();
        Set<String> outputNames = new HashSet<>();
        if (!peek().is("}")) {
            do {
                Token at = peek();
                String out = name("an output name");
                if (!outputNames.add(out)) throw error(at, "output '" + out + "' is returned twice");
                expect("=");
                outputs.add(new Graph.Output(out, use()));
            } while (accept(","));
        }
        expect("}");
        expectEnd();
        return new Graph(name, nodes, outputs);
    }

    private Node node() {
        Token idTok = next();
        int id = valueId(idTok);
        if (definedOnLine.containsKey(id)) {
            throw error(idTok, "%" + id + " is already defined on line " + definedOnLine.get(id));
        }
        expect("=");
        Token opTok = peek();
        if (opTok.kind != Kind.IDENT) throw error(opTok, "expected an op name but found " + opTok.describe());
        next();
        Op op = Op.fromText(opTok.text).orElseThrow(() -> error(opTok, "unknown op '" + opTok.text + "'"));

        List<Value> operands = new ArrayList<>();
        if (accept("(")) {
            if (!peek().is(")")) {
                do operands.add(use()); while (accept(","));
            }
            expect(")");
        }

        Map<String, Object> given = new HashMap<>();
        if (accept("{")) {
            if (!peek().is("}")) {
                do {
                    Token nameTok = peek();
                    if (nameTok.kind != Kind.IDENT) throw error(nameTok, "expected an attribute name but found " + nameTok.describe());
                    next();
                    AttrSpec spec = op.attr(nameTok.text)
                            .orElseThrow(() -> error(nameTok, op.text() + " has no attribute '" + nameTok.text + "'"
                                    + (op.attrs().isEmpty() ? "" : " (it has " + String.join(", ",
                                    op.attrs().stream().map(AttrSpec::name).toList()) + ")")));
                    if (given.containsKey(spec.name())) throw error(nameTok, "attribute '" + spec.name() + "' is given twice");
                    expect("=");
                    given.put(spec.name(), attrValue(spec));
                } while (accept(","));
            }
            expect("}");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (AttrSpec spec : op.attrs()) {
            Object v = given.containsKey(spec.name()) ? given.get(spec.name()) : spec.defaultValue();
            if (v == null) throw error(opTok, op.text() + " needs attribute '" + spec.name() + "'");
            attrs.put(spec.name(), v);
        }

        expect(":");
        TensorType type = type();
        Value result = new Value(id, type);
        values.put(id, result);
        definedOnLine.put(id, idTok.line);
        return new Node(result, op, operands, new Attrs(attrs));
    }

    /** A use of a value defined earlier: {@code %3}. */
    private Value use() {
        Token t = peek();
        if (t.kind != Kind.VALUE) throw error(t, "expected a value such as %0 but found " + t.describe());
        next();
        int id = valueId(t);
        Value v = values.get(id);
        if (v == null) throw error(t, "%" + id + " is not defined before its use");
        return v;
    }

    private int valueId(Token t) {
        try {
            return Integer.parseInt(t.text.substring(1));
        } catch (NumberFormatException e) {
            throw error(t, "value number " + t.text + " is too large");
        }
    }

    private Object attrValue(AttrSpec spec) {
        Token t = peek();
        return switch (spec.kind()) {
            case INT -> integer();
            case FLOAT -> real();
            case BOOL -> {
                if (t.isIdent("true") || t.isIdent("false")) {
                    next();
                    yield Boolean.valueOf(t.text);
                }
                throw error(t, "expected true or false for '" + spec.name() + "' but found " + t.describe());
            }
            case STRING -> {
                if (t.kind != Kind.STRING) throw error(t, "expected a string for '" + spec.name() + "' but found " + t.describe());
                next();
                yield unquote(t);
            }
            case INTS -> {
                expect("[");
                List<Long> list = new ArrayList<>();
                if (!peek().is("]")) {
                    do list.add(integer()); while (accept(","));
                }
                expect("]");
                yield List.copyOf(list);
            }
            case SHAPE -> {
                expect("[");
                List<Dim> list = new ArrayList<>();
                if (!peek().is("]")) {
                    do list.add(dim()); while (accept(","));
                }
                expect("]");
                yield List.copyOf(list);
            }
            case DTYPE -> dtype();
        };
    }

    private Long integer() {
        Token sign = accept("-") ? tokens.get(pos - 1) : null;
        Token t = peek();
        if (t.kind != Kind.INT) {
            throw error(t, "expected an integer but found " + (t.kind == Kind.FLOAT ? "the float " + t.text : t.describe()));
        }
        next();
        try {
            return Long.parseLong((sign != null ? "-" : "") + t.text);
        } catch (NumberFormatException e) {
            throw error(sign != null ? sign : t, "integer " + (sign != null ? "-" : "") + t.text + " is out of range");
        }
    }

    private Double real() {
        boolean negative = accept("-");
        Token t = peek();
        double v;
        if (t.kind == Kind.INT || t.kind == Kind.FLOAT) {
            v = Double.parseDouble(t.text);
        } else if (t.isIdent("inf") || t.isIdent("Infinity")) {
            v = Double.POSITIVE_INFINITY;
        } else if (t.isIdent("nan") || t.isIdent("NaN")) {
            v = Double.NaN;
        } else {
            throw error(t, "expected a number but found " + t.describe());
        }
        next();
        return negative ? -v : v;
    }

    private DType dtype() {
        Token t = peek();
        if (t.kind != Kind.IDENT) throw error(t, "expected an element type such as f32 but found " + t.describe());
        next();
        return DType.fromText(t.text).orElseThrow(() -> error(t, "unknown element type '" + t.text + "'"));
    }

    private TensorType type() {
        DType dtype = dtype();
        expect("[");
        List<Dim> dims = new ArrayList<>();
        if (!peek().is("]")) {
            do dims.add(dim()); while (accept(","));
        }
        expect("]");
        return new TensorType(dtype, new Shape(dims));
    }

    /** dim := term (('+' | '-') term)*; term := factor (('*' | '/') factor)*; factor := INT | IDENT | '(' dim ')'. */
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

    private static IrParseException error(Token t, String message) {
        return new IrParseException(t.line, t.col, message);
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
                if (Character.isLetter(c) || c == '_') {
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
                    out.add(new Token(Kind.IDENT, s.substring(start, i), line, col));
                } else if (isDigit(c)) {
                    out.add(number(col));
                } else if (c == '%') {
                    i++;
                    while (i < s.length() && isDigit(s.charAt(i))) i++;
                    if (i == start + 1) throw new IrParseException(line, col, "expected a value number after '%'");
                    out.add(new Token(Kind.VALUE, s.substring(start, i), line, col));
                } else if (c == '"') {
                    out.add(string(col));
                } else if ("(){}[],=:+-*/".indexOf(c) >= 0) {
                    i++;
                    out.add(new Token(Kind.PUNCT, String.valueOf(c), line, col));
                } else {
                    throw new IrParseException(line, col, "unexpected character '" + c + "'");
                }
            }
        }

        private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

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
                if (i >= s.length() || s.charAt(i) == '\n') {
                    throw new IrParseException(line, col, "unterminated string");
                }
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return new Token(Kind.STRING, s.substring(start, i), line, col);
                }
                if (c == '\\') {
                    if (i + 1 >= s.length()) throw new IrParseException(line, col, "unterminated string");
                    char e = s.charAt(i + 1);
                    int ecol = i - lineStart + 1;
                    if (e == 'u') {
                        if (i + 6 > s.length() || !s.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                            throw new IrParseException(line, ecol, "expected four hex digits after \\u");
                        }
                        i += 6;
                        continue;
                    }
                    if ("\"\\nrt".indexOf(e) < 0) {
                        throw new IrParseException(line, ecol, "unknown escape \\" + e + " (use \\\" \\\\ \\n \\r \\t or \\uXXXX)");
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
        }
    }
}
