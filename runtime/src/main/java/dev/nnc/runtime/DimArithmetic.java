package dev.nnc.runtime;

import java.util.Map;

/**
 * Evaluates the dim expressions of {@link TensorSpec} (and of the CUDA host's launch table):
 * numbers, symbols, + - * / and parentheses.
 */
public final class DimArithmetic {
    private final String text;
    private final Map<String, ? extends Number> symbols;
    private int pos;

    private DimArithmetic(String text, Map<String, ? extends Number> symbols) {
        this.text = text;
        this.symbols = symbols;
    }

    static boolean isNumber(String d) { return d.chars().allMatch(Character::isDigit) && !d.isEmpty(); }

    static boolean isSymbol(String d) {
        return !d.isEmpty() && Character.isJavaIdentifierStart(d.charAt(0)) && d.chars().allMatch(Character::isJavaIdentifierPart);
    }

    /** The value; IllegalArgumentException when a symbol is unbound or a division is inexact. */
    static int eval(String text, Map<String, Integer> symbols) {
        return Math.toIntExact(evalLong(text, symbols));
    }

    /** The value as a long; IllegalArgumentException when a symbol is unbound or a division is inexact. */
    public static long evalLong(String text, Map<String, ? extends Number> symbols) {
        DimArithmetic p = new DimArithmetic(text.replace(" ", ""), symbols);
        long v = p.sum();
        if (p.pos != p.text.length()) throw new IllegalArgumentException("bad dimension " + text);
        return v;
    }

    private long sum() {
        long v = product();
        while (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
            char op = text.charAt(pos++);
            long r = product();
            v = op == '+' ? v + r : v - r;
        }
        return v;
    }

    private long product() {
        long v = atom();
        while (pos < text.length() && (text.charAt(pos) == '*' || text.charAt(pos) == '/')) {
            char op = text.charAt(pos++);
            long r = atom();
            if (op == '*') {
                v *= r;
            } else {
                if (r == 0 || v % r != 0) throw new IllegalArgumentException(text + ": " + v + "/" + r + " is not a whole number");
                v /= r;
            }
        }
        return v;
    }

    private long atom() {
        if (pos < text.length() && text.charAt(pos) == '(') {
            pos++;
            long v = sum();
            pos++;
            return v;
        }
        int start = pos;
        while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) pos++;
        String token = text.substring(start, pos);
        if (isNumber(token)) return Long.parseLong(token);
        Number v = symbols.get(token);
        if (v == null) throw new IllegalArgumentException("dimension " + token + " is not bound");
        return v.longValue();
    }
}
