package dev.nnc.ir;

import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexer and token cursor that {@link IrParser} and the kernel IR's parser share, with
 * the pieces of grammar both languages have: dims such as {@code (S+1)*2}, tensor types such
 * as {@code f32[B,1,28,28]}, names (identifiers or quoted strings), integers and floats.
 * Both languages write dims and types the same way and build them with {@link Dim}'s
 * factories, so a dim read by either parser compares equal to the other's.
 *
 * <p>The text is split into tokens up front; a parser then walks them with {@link #peek},
 * {@link #next}, {@link #accept} and {@link #expect}. Comments run from {@code //} to the end
 * of the line. Where the two lexers differ (which punctuation is a token, what a name may
 * contain, what {@code %N} means) a {@link Syntax} says so. Every error, the lexer's
 * included, is built by the {@link Errors} factory each parser supplies, so callers still
 * see their own exception type ({@code IrParseException}, {@code KernelParseException}).
 */
public final class IrTokens {

    /** What a token is. {@code REF} is {@code %N}: a value in the graph IR, an input in an expression. */
    public enum Kind { IDENT, INT, FLOAT, STRING, REF, PUNCT, EOF }

    /** One token; {@code text} is as written (strings keep their quotes and escapes), line and column are 1-based. */
    public record Token(Kind kind, String text, int line, int col) {
        /** Whether this is the punctuation {@code punct}. */
        public boolean is(String punct) { return kind == Kind.PUNCT && text.equals(punct); }

        /** Whether this is the identifier {@code word}. */
        public boolean isIdent(String word) { return kind == Kind.IDENT && text.equals(word); }

        /** The token as an error message names it after "but found". */
        public String describe() {
            return switch (kind) {
                case EOF -> "end of input";
                case STRING -> "string " + text;
                default -> "'" + text + "'";
            };
        }
    }

    /** Builds the calling parser's exception for a problem at a 1-based line and column. */
    @FunctionalInterface
    public interface Errors {
        RuntimeException at(int line, int column, String message);
    }

    /** How names are spelled. */
    public enum Names {
        /** A letter or {@code _}, then letters, digits or {@code _}; letters in Java's (Unicode) sense. */
        LETTERS,
        /**
         * ASCII letters, digits and {@code _}, in parts joined by dots ({@code encoder.layer.0.x}):
         * a dot belongs to the name only when a letter, digit or underscore follows it.
         */
        DOTTED_ASCII
    }

    /**
     * Where one language's lexer and grammar differ from the other's.
     *
     * @param punctuation the punctuation tokens; where several start alike the longest wins
     *                    (so {@code ->} is one token, not {@code -} then {@code >})
     * @param names       how identifiers are spelled
     * @param refNumber   what the number in {@code %N} is, for the error when it is missing
     * @param javaSpecialFloats whether {@link #real} also takes {@code Infinity} and {@code NaN}
     *                    as Java writes them, besides {@code inf} and {@code nan}
     */
    public record Syntax(List<String> punctuation, Names names, String refNumber, boolean javaSpecialFloats) {
        public Syntax {
            // Longest first, so that the first match in run() is the longest one.
            punctuation = punctuation.stream()
                    .sorted((a, b) -> Integer.compare(b.length(), a.length())).toList();
        }
    }

    private final Syntax syntax;
    private final Errors errors;
    private final List<Token> tokens;
    private int pos;

    /** Splits {@code text} into tokens; a lexical error is thrown from here, built by {@code errors}. */
    public IrTokens(String text, Syntax syntax, Errors errors) {
        this.syntax = syntax;
        this.errors = errors;
        this.tokens = new Lexer(text).run();
    }

    // ---------------------------------------------------------------------------------
    // Cursor

    /** The current token, not consumed; at the end this is the EOF token, again and again. */
    public Token peek() { return tokens.get(pos); }

    /** Consumes and returns the current token; the EOF token is never consumed. */
    public Token next() {
        Token t = tokens.get(pos);
        if (t.kind != Kind.EOF) pos++;
        return t;
    }

    /** Consumes the punctuation {@code punct} if it comes next. */
    public boolean accept(String punct) {
        if (peek().is(punct)) {
            pos++;
            return true;
        }
        return false;
    }

    public void expect(String punct) {
        if (!accept(punct)) throw error(peek(), "expected '" + punct + "' but found " + peek().describe());
    }

    /** Consumes the identifier {@code word} (a keyword), or fails. */
    public void expectWord(String word) {
        if (!peek().isIdent(word)) throw error(peek(), "expected '" + word + "' but found " + peek().describe());
        next();
    }

    public void expectEnd() {
        if (peek().kind != Kind.EOF) throw error(peek(), "expected end of input but found " + peek().describe());
    }

    /** The calling parser's exception for a problem at {@code t}; for the caller to throw. */
    public RuntimeException error(Token t, String message) {
        return errors.at(t.line, t.col, message);
    }

    // ---------------------------------------------------------------------------------
    // Shared grammar

    /** A name: an identifier, or a quoted string for names that are not identifiers. */
    public String name(String what) {
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

    /**
     * {@code '-'? INT} in {@code [min, max]}. The sign is its own token (the lexer reads
     * {@code -} as punctuation), so an out-of-range number is reported at the sign when there is one.
     */
    public long integer(long min, long max) {
        Token sign = accept("-") ? tokens.get(pos - 1) : null;
        Token t = peek();
        if (t.kind != Kind.INT) {
            throw error(t, "expected an integer but found " + (t.kind == Kind.FLOAT ? "the float " + t.text : t.describe()));
        }
        next();
        String digits = (sign != null ? "-" : "") + t.text;
        Token at = sign != null ? sign : t;
        long v;
        try {
            v = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error(at, "integer " + digits + " is out of range");
        }
        if (v < min || v > max) throw error(at, "integer " + digits + " is out of range");
        return v;
    }

    /** {@code '-'? (INT | FLOAT | inf | nan)}, and Java's {@code Infinity} and {@code NaN} where the syntax allows them. */
    public double real() {
        boolean negative = accept("-");
        Token t = peek();
        double v;
        if (t.kind == Kind.INT || t.kind == Kind.FLOAT) {
            v = Double.parseDouble(t.text);
        } else if (t.isIdent("inf") || syntax.javaSpecialFloats && t.isIdent("Infinity")) {
            v = Double.POSITIVE_INFINITY;
        } else if (t.isIdent("nan") || syntax.javaSpecialFloats && t.isIdent("NaN")) {
            v = Double.NaN;
        } else {
            throw error(t, "expected a number but found " + t.describe());
        }
        next();
        return negative ? -v : v;
    }

    /** An element type such as {@code f32}. */
    public DType dtype() {
        Token t = peek();
        if (t.kind != Kind.IDENT) throw error(t, "expected an element type such as f32 but found " + t.describe());
        next();
        return DType.fromText(t.text).orElseThrow(() -> error(t, "unknown element type '" + t.text + "'"));
    }

    /** A tensor type: {@code dtype '[' (dim (',' dim)*)? ']'}, such as {@code f32[B,1,28,28]}. */
    public TensorType type() {
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
    public Dim dim() {
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

    /** Applies {@code op}; Dim's arithmetic refuses some results (such as an inexact division), reported at the operator. */
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

    /** The value of a string token, whose text still has its quotes and escapes (checked by the lexer). */
    public static String unquote(Token t) {
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

    private final class Lexer {
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
                String punct;
                if (isNameStart(c)) {
                    i = nameEnd(i);
                    out.add(new Token(Kind.IDENT, s.substring(start, i), line, col));
                } else if (isDigit(c)) {
                    out.add(number(col));
                } else if (c == '%') {
                    i++;
                    while (i < s.length() && isDigit(s.charAt(i))) i++;
                    if (i == start + 1) throw errors.at(line, col, "expected " + syntax.refNumber + " after '%'");
                    out.add(new Token(Kind.REF, s.substring(start, i), line, col));
                } else if (c == '"') {
                    out.add(string(col));
                } else if ((punct = punctuationAt(i)) != null) {
                    i += punct.length();
                    out.add(new Token(Kind.PUNCT, punct, line, col));
                } else {
                    throw errors.at(line, col, "unexpected character '" + c + "'");
                }
            }
        }

        private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

        private boolean isNameStart(char c) {
            return switch (syntax.names) {
                case LETTERS -> Character.isLetter(c) || c == '_';
                case DOTTED_ASCII -> isAsciiNamePart(c) && !isDigit(c);
            };
        }

        private static boolean isAsciiNamePart(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || isDigit(c);
        }

        /** Where the name that starts at {@code j} ends. */
        private int nameEnd(int j) {
            if (syntax.names == Names.LETTERS) {
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                return j;
            }
            while (j < s.length() && (isAsciiNamePart(s.charAt(j))
                    || s.charAt(j) == '.' && j + 1 < s.length() && isAsciiNamePart(s.charAt(j + 1)))) {
                j++;
            }
            return j;
        }

        /** The longest punctuation token at {@code j}, or null. */
        private String punctuationAt(int j) {
            for (String p : syntax.punctuation) { // longest first
                if (s.startsWith(p, j)) return p;
            }
            return null;
        }

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
                if (i >= s.length() || s.charAt(i) == '\n') throw errors.at(line, col, "unterminated string");
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return new Token(Kind.STRING, s.substring(start, i), line, col);
                }
                if (c == '\\') {
                    if (i + 1 >= s.length()) throw errors.at(line, col, "unterminated string");
                    char e = s.charAt(i + 1);
                    int ecol = i - lineStart + 1;
                    if (e == 'u') {
                        if (i + 6 > s.length() || !s.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                            throw errors.at(line, ecol, "expected four hex digits after \\u");
                        }
                        i += 6;
                        continue;
                    }
                    if ("\"\\nrt".indexOf(e) < 0) {
                        throw errors.at(line, ecol, "unknown escape \\" + e + " (use \\\" \\\\ \\n \\r \\t or \\uXXXX)");
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
        }
    }
}
