package dev.nnc.frontend;

import dev.nnc.grammar.NNLexer;
import dev.nnc.grammar.NNParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.BufferedTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Turns ANTLR's syntax errors into diagnostics that say what was expected and what was found. */
final class SyntaxErrors extends BaseErrorListener {
    private final SourceFile file;
    private final Diagnostics diagnostics;
    private int count;
    private int lastLine = -1;

    SyntaxErrors(SourceFile file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    int count() { return count; }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int col, String msg,
                            RecognitionException e) {
        count++;
        // After the first error on a line, the parser's recovery mostly reports echoes of it.
        if (line == lastLine) return;
        lastLine = line;
        if (!(offending instanceof Token t)) {
            diagnostics.error(new Span(file, line, col + 1, 1), msg);
            return;
        }
        Span span = new Span(file, line, col + 1, Math.max(1, t.getStopIndex() - t.getStartIndex() + 1));
        if (t.getType() == NNLexer.OPEN_STRING) {
            diagnostics.error(span, "unterminated string literal", "note: expected a closing '\"' on the same line");
            return;
        }
        if (t.getType() == NNLexer.UNKNOWN) {
            String expecting = "note: expected an expression, an operator (+ - * / @ |>), or punctuation ( ) [ ] { } , : .";
            if (t.getText().equals("#")) {
                diagnostics.error(span, "unexpected character '#'", expecting, "help: '//' starts a comment");
            } else {
                diagnostics.error(span, "unexpected character '" + t.getText() + "'", expecting);
            }
            return;
        }
        if (recognizer instanceof Parser parser && badDims(parser, t)) return;
        String found = found(t);
        List<String> expected = expected(recognizer, e);
        if (t.getType() == Token.EOF && expected.contains("'}'")) {
            // A file that ends inside a block: the useful fact is which block is still open.
            ParserRuleContext ctx = e != null && e.getCtx() instanceof ParserRuleContext c ? c
                    : recognizer instanceof Parser p ? p.getContext() : null;
            while (ctx != null && !(ctx instanceof NNParser.BlockContext)) ctx = ctx.getParent();
            String[] notes = ctx == null ? new String[0] : new String[] {"note: the block opened at "
                    + ctx.getStart().getLine() + ":" + (ctx.getStart().getCharPositionInLine() + 1) + " is not closed"};
            diagnostics.error(span, "expected '}' but found end of file", notes);
            return;
        }
        if (expected.isEmpty() || expected.size() > 6) {
            diagnostics.error(span, "unexpected " + found);
        } else {
            diagnostics.error(span, "expected " + String.join(" or ", expected) + " but found " + found);
        }
    }

    private static String found(Token t) { return t.getType() == Token.EOF ? "end of file" : "'" + t.getText() + "'"; }

    /**
     * A bad token among a tensor type's dims ({@code f32[B, "4"]}) makes the parser take the
     * type for a scalar name and stop at '['. Then this finds the token that cannot be a dim
     * and reports it instead; false when the '[' is not after a type's name or the dims are fine.
     */
    private boolean badDims(Parser parser, Token open) {
        if (!open.getText().equals("[") || !(parser.getInputStream() instanceof BufferedTokenStream tokens)) return false;
        int i = open.getTokenIndex();
        tokens.fill();
        if (i < 2 || tokens.get(i - 1).getType() != NNLexer.IDENT) return false;
        String before = tokens.get(i - 2).getText();
        if (!before.equals(":") && !before.equals("->") && !before.equals("[")) return false;
        int[] at = {i + 1};
        Token bad = null;
        String expected = null;
        if (!tokens.get(at[0]).getText().equals("]")) {
            while (true) {
                Token t = dim(tokens, at);
                if (t != null) {
                    bad = t;
                    expected = "a dimension (an integer, a name such as B, or '...')";
                    break;
                }
                Token next = tokens.get(at[0]);
                if (next.getText().equals("]")) break;
                if (!next.getText().equals(",")) {
                    bad = next;
                    expected = "',' or ']'";
                    break;
                }
                at[0]++;
                if (tokens.get(at[0]).getText().equals("]")) break;
            }
        }
        if (bad == null) return false;
        Span span = new Span(file, bad.getLine(), bad.getCharPositionInLine() + 1,
                Math.max(1, bad.getStopIndex() - bad.getStartIndex() + 1));
        String example = "note: a tensor type lists its dimensions, e.g. f32[B, 28, 28, 1]";
        if (bad.getText().equals("-")) {
            diagnostics.error(span, "expected " + expected + " but found '-'", example, "note: dimensions cannot be negative");
        } else {
            diagnostics.error(span, "expected " + expected + " but found " + found(bad), example);
        }
        return true;
    }

    /** Skips one dim ({@code B}, {@code 28}, {@code ...}, {@code (D / H) * 2}); the token that cannot be in it, or null. */
    private static Token dim(BufferedTokenStream tokens, int[] at) {
        while (true) {
            Token t = tokens.get(at[0]);
            int type = t.getType();
            if (type == NNLexer.INT || type == NNLexer.IDENT || type == NNLexer.ELLIPSIS) {
                at[0]++;
            } else if (t.getText().equals("(")) {
                at[0]++;
                Token bad = dim(tokens, at);
                if (bad != null) return bad;
                if (!tokens.get(at[0]).getText().equals(")")) return tokens.get(at[0]);
                at[0]++;
            } else {
                return t;
            }
            int op = tokens.get(at[0]).getType();
            if (op != NNLexer.PLUS && op != NNLexer.MINUS && op != NNLexer.STAR && op != NNLexer.SLASH) return null;
            at[0]++;
        }
    }

    private static List<String> expected(Recognizer<?, ?> recognizer, RecognitionException e) {
        IntervalSet set = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens()
                : recognizer instanceof Parser p ? p.getExpectedTokens() : null;
        List<String> out = new ArrayList<>();
        if (set == null) return out;
        for (int type : set.toList()) {
            String name = describe(recognizer, type);
            if (name != null && !out.contains(name)) out.add(name);
        }
        return out;
    }

    private static String describe(Recognizer<?, ?> recognizer, int type) {
        if (type == Token.EOF) return "end of file";
        return switch (type) {
            case NNLexer.IDENT -> "a name";
            case NNLexer.INT -> "an integer";
            case NNLexer.FLOAT -> "a number";
            case NNLexer.STRING -> "a string";
            case NNLexer.OPEN_STRING, NNLexer.UNKNOWN -> null;
            default -> recognizer.getVocabulary().getLiteralName(type);
        };
    }
}
