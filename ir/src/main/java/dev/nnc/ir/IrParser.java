package dev.nnc.ir;

import dev.nnc.ir.IrTokens.Kind;
import dev.nnc.ir.IrTokens.Token;
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

    /** The graph IR's lexer: {@code %N} names a value; names are letters, digits and {@code _}. */
    private static final IrTokens.Syntax SYNTAX = new IrTokens.Syntax(
            List.of("(", ")", "{", "}", "[", "]", ",", "=", ":", "+", "-", "*", "/"),
            IrTokens.Names.LETTERS, "a value number", true);

    private final IrTokens in;
    private final Map<Integer, Value> values = new HashMap<>();
    private final Map<Integer, Integer> definedOnLine = new HashMap<>();

    private IrParser(String text) {
        this.in = tokens(text);
    }

    private static IrTokens tokens(String text) {
        return new IrTokens(text, SYNTAX, IrParseException::new);
    }

    /** Parses one graph. */
    public static Graph parse(String text) {
        return new IrParser(text).graph();
    }

    /** Parses a dim expression such as {@code (S+1)*2}, built with {@link Dim}'s factories. */
    public static Dim parseDim(String text) {
        IrTokens in = tokens(text);
        Dim d = in.dim();
        in.expectEnd();
        return d;
    }

    /** Parses a tensor type such as {@code f32[B,1,28,28]}. */
    public static TensorType parseType(String text) {
        IrTokens in = tokens(text);
        TensorType t = in.type();
        in.expectEnd();
        return t;
    }

    // ---------------------------------------------------------------------------------
    // Grammar

    private Graph graph() {
        in.expectWord("graph");
        String name = in.name("a graph name");
        in.expect("{");
        List<Node> nodes = new ArrayList<>();
        while (in.peek().kind() == Kind.REF) nodes.add(node());
        if (!in.peek().isIdent("return")) throw in.error(in.peek(), "expected a node or 'return' but found " + in.peek().describe());
        in.next();
        List<Graph.Output> outputs = new ArrayList<>();
        Set<String> outputNames = new HashSet<>();
        if (!in.peek().is("}")) {
            do {
                Token at = in.peek();
                String out = in.name("an output name");
                if (!outputNames.add(out)) throw in.error(at, "output '" + out + "' is returned twice");
                in.expect("=");
                outputs.add(new Graph.Output(out, use()));
            } while (in.accept(","));
        }
        in.expect("}");
        in.expectEnd();
        return new Graph(name, nodes, outputs);
    }

    private Node node() {
        Token idTok = in.next();
        int id = valueId(idTok);
        if (definedOnLine.containsKey(id)) {
            throw in.error(idTok, "%" + id + " is already defined on line " + definedOnLine.get(id));
        }
        in.expect("=");
        Token opTok = in.peek();
        if (opTok.kind() != Kind.IDENT) throw in.error(opTok, "expected an op name but found " + opTok.describe());
        in.next();
        Op op = Op.fromText(opTok.text()).orElseThrow(() -> in.error(opTok, "unknown op '" + opTok.text() + "'"));

        List<Value> operands = new ArrayList<>();
        if (in.accept("(")) {
            if (!in.peek().is(")")) {
                do operands.add(use()); while (in.accept(","));
            }
            in.expect(")");
        }

        Map<String, Object> given = new HashMap<>();
        if (in.accept("{")) {
            if (!in.peek().is("}")) {
                do {
                    Token nameTok = in.peek();
                    if (nameTok.kind() != Kind.IDENT) throw in.error(nameTok, "expected an attribute name but found " + nameTok.describe());
                    in.next();
                    AttrSpec spec = op.attr(nameTok.text())
                            .orElseThrow(() -> in.error(nameTok, op.text() + " has no attribute '" + nameTok.text() + "'"
                                    + (op.attrs().isEmpty() ? "" : " (it has " + String.join(", ",
                                    op.attrs().stream().map(AttrSpec::name).toList()) + ")")));
                    if (given.containsKey(spec.name())) throw in.error(nameTok, "attribute '" + spec.name() + "' is given twice");
                    in.expect("=");
                    given.put(spec.name(), attrValue(spec));
                } while (in.accept(","));
            }
            in.expect("}");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (AttrSpec spec : op.attrs()) {
            Object v = given.containsKey(spec.name()) ? given.get(spec.name()) : spec.defaultValue();
            if (v == null) throw in.error(opTok, op.text() + " needs attribute '" + spec.name() + "'");
            attrs.put(spec.name(), v);
        }

        in.expect(":");
        TensorType type = in.type();
        Value result = new Value(id, type);
        values.put(id, result);
        definedOnLine.put(id, idTok.line());
        return new Node(result, op, operands, new Attrs(attrs));
    }

    /** A use of a value defined earlier: {@code %3}. */
    private Value use() {
        Token t = in.peek();
        if (t.kind() != Kind.REF) throw in.error(t, "expected a value such as %0 but found " + t.describe());
        in.next();
        int id = valueId(t);
        Value v = values.get(id);
        if (v == null) throw in.error(t, "%" + id + " is not defined before its use");
        return v;
    }

    private int valueId(Token t) {
        try {
            return Integer.parseInt(t.text().substring(1));
        } catch (NumberFormatException e) {
            throw in.error(t, "value number " + t.text() + " is too large");
        }
    }

    private Object attrValue(AttrSpec spec) {
        Token t = in.peek();
        return switch (spec.kind()) {
            case INT -> integer();
            case FLOAT -> in.real();
            case BOOL -> {
                if (t.isIdent("true") || t.isIdent("false")) {
                    in.next();
                    yield Boolean.valueOf(t.text());
                }
                throw in.error(t, "expected true or false for '" + spec.name() + "' but found " + t.describe());
            }
            case STRING -> {
                if (t.kind() != Kind.STRING) throw in.error(t, "expected a string for '" + spec.name() + "' but found " + t.describe());
                in.next();
                yield IrTokens.unquote(t);
            }
            case INTS -> {
                in.expect("[");
                List<Long> list = new ArrayList<>();
                if (!in.peek().is("]")) {
                    do list.add(integer()); while (in.accept(","));
                }
                in.expect("]");
                yield List.copyOf(list);
            }
            case SHAPE -> {
                in.expect("[");
                List<Dim> list = new ArrayList<>();
                if (!in.peek().is("]")) {
                    do list.add(in.dim()); while (in.accept(","));
                }
                in.expect("]");
                yield List.copyOf(list);
            }
            case DTYPE -> in.dtype();
        };
    }

    /** Graph IR integer attributes are 64-bit. */
    private long integer() {
        return in.integer(Long.MIN_VALUE, Long.MAX_VALUE);
    }
}
