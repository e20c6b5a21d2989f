package dev.nnc.runtime;

import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The JSON values of a safetensors header, and a strict RFC 8259 parser for them. The
 * runtime may depend on nothing, hence this small parser instead of a library.
 */
sealed interface Json {

    /** How the value reads in a message: "a JSON array", "the string \"F32\"". */
    String describe();

    /** An object; members keep their order and duplicates so callers can report them. */
    record Obj(List<Member> members) implements Json {
        public Obj {
            members = List.copyOf(members);
        }

        /** The first member named {@code key}. */
        Optional<Json> get(String key) {
            for (Member m : members) {
                if (m.key().equals(key)) {
                    return Optional.of(m.value());
                }
            }
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "a JSON object";
        }
    }

    record Member(String key, Json value) {
    }

    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a JSON array";
        }
    }

    record Str(String value) implements Json {
        @Override
        public String describe() {
            return "the string \"" + value + "\"";
        }
    }

    /** A number, kept as its source text so integers of any size lose nothing. */
    record Num(String text) implements Json {
        /** The value if the literal is an integer (no fraction or exponent) that fits a long. */
        OptionalLong exactLong() {
            if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(text));
            } catch (NumberFormatException tooLarge) {
                return OptionalLong.empty();
            }
        }

        @Override
        public String describe() {
            return "the number " + text;
        }
    }

    record Bool(boolean value) implements Json {
        @Override
        public String describe() {
            return "the value " + value;
        }
    }

    record Null() implements Json {
        @Override
        public String describe() {
            return "null";
        }
    }

    /** Malformed JSON; {@link #getMessage()} says what was wrong and at which character. */
    final class ParseException extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    /** Parses one JSON value that may be surrounded by whitespace and nothing else. */
    static Json parse(String text) throws ParseException {
        return new Parser(text).parseDocument();
    }

    /** A recursive-descent parser; depth is bounded so a hostile header cannot overflow the stack. */
    final class Parser {
        private static final int MAX_DEPTH = 128;
        private final String s;
        private int pos;
        private int depth;

        Parser(String s) {
            this.s = s;
        }

        Json parseDocument() throws ParseException {
            skipWhitespace();
            Json value = parseValue();
            skipWhitespace();
            if (pos < s.length()) {
                throw error("unexpected " + describeChar() + " after the end of the JSON value");
            }
            return value;
        }

        private Json parseValue() throws ParseException {
            if (pos >= s.length()) {
                throw error("unexpected end of text, expected a value");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> parseObject();
                case '[' -> parseArray();
                case '"' -> new Str(parseString());
                case 't' -> literal("true", new Bool(true));
                case 'f' -> literal("false", new Bool(false));
                case 'n' -> literal("null", new Null());
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield parseNumber();
                    }
                    throw error("unexpected " + describeChar() + ", expected a value");
                }
            };
        }

        private Json parseObject() throws ParseException {
            enter();
            pos++; // '{'
            List<Member> members = new ArrayList<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return new Obj(members);
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("unexpected " + describeChar() + ", expected a member name in double quotes");
                }
                String key = parseString();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                members.add(new Member(key, parseValue()));
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == '}') {
                    pos++;
                    depth--;
                    return new Obj(members);
                } else {
                    throw error("unexpected " + describeChar() + ", expected ',' or '}'");
                }
            }
        }

        private Json parseArray() throws ParseException {
            enter();
            pos++; // '['
            List<Json> items = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return new Arr(items);
            }
            while (true) {
                skipWhitespace();
                items.add(parseValue());
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == ']') {
                    pos++;
                    depth--;
                    return new Arr(items);
                } else {
                    throw error("unexpected " + describeChar() + ", expected ',' or ']'");
                }
            }
        }

        private String parseString() throws ParseException {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character U+" + String.format("%04X", (int) c)
                            + " in a string; it must be escaped");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(parseHex4());
                    default -> {
                        pos--;
                        throw error("invalid escape sequence \\" + e);
                    }
                }
            }
        }

        private char parseHex4() throws ParseException {
            if (pos + 4 > s.length()) {
                throw error("incomplete \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) {
                    throw error("invalid \\u escape");
                }
                v = v * 16 + d;
            }
            pos += 4;
            // Surrogate pairs arrive as two escapes; appending both halves reassembles them.
            return (char) v;
        }

        private Json parseNumber() throws ParseException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    pos++;
                }
            } else {
                throw error("invalid number");
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(peek())) {
                    throw error("invalid number: expected a digit after '.'");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("invalid number: expected a digit in the exponent");
                }
                while (isDigit(peek())) {
                    pos++;
                }
            }
            return new Num(s.substring(start, pos));
        }

        private Json literal(String word, Json value) throws ParseException {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected " + describeChar() + ", expected a value");
            }
            pos += word.length();
            return value;
        }

        private void enter() throws ParseException {
            if (++depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH + " levels");
            }
        }

        private void expect(char c) throws ParseException {
            if (peek() != c) {
                throw error("unexpected " + describeChar() + ", expected '" + c + "'");
            }
            pos++;
        }

        private void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        /** The current character, or U+FFFF at the end, which no grammar rule accepts. */
        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\uFFFF';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private String describeChar() {
            if (pos >= s.length()) {
                return "end of text";
            }
            char c = s.charAt(pos);
            return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("character U+%04X", (int) c);
        }

        private ParseException error(String what) {
            return new ParseException(what + " at character " + pos);
        }
    }
}
