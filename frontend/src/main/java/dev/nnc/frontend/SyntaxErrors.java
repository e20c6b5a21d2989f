package dev.nnc.frontend;

import dev.nnc.grammar.NNLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
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
            diagnostics.error(span, "unterminated string literal", "expected a closing '\"' on the same line");
            return;
        }
        if (t.getType() == NNLexer.UNKNOWN) {
            diagnostics.error(span, "unexpected character '" + t.getText() + "'",
                    "expected an expression, an operator (+ - * / @ |>), or punctuation ( ) [ ] { } , : .");
            return;
        }
        String found = t.getType() == Token.EOF ? "end of file" : "'" + t.getText() + "'";
        List<String> expected = expected(recognizer, e);
        if (expected.isEmpty() || expected.size() > 6) {
            diagnostics.error(span, "unexpected " + found);
        } else {
            diagnostics.error(span, "expected " + String.join(" or ", expected) + " but found " + found);
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
