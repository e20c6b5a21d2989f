package dev.nnc.runtime;

import java.util.Map;

/** Evaluates the dim expressions of {@link TensorSpec}: numbers, symbols, + - * / and parentheses. */
final class DimArithmetic {
    private final String text;
    private final Map<String, Integer> symbols;
    private int pos;

    private DimArithmetic(String text, Map<String, Integer> symbols) {
        this.text = text;
        this.symbols = symbols;
    }

    static boolean isNumber(String d) { return d.chars().allMatch(Character::isDigit) && !d.isEmpty(); }

    static boolean isSymbol(String d) {
        return !d.isEmpty() && Character.isJavaIdentifierStart(d.charAt(0)) && d.chars().allMatch(Character::isJavaIdentifierPart);
    }

    /** The value; IllegalArgumentException when a symbol is unbound or a division is inexact. */
    static int eval(String text, Map<String, Integer> symbols) {
        DimArithmetic p = new DimArithmetic(text.replace(" ", ""), symbols);
        long v = p.sum();
        if (p.pos != p.text.length()) throw new IllegalArgumentException("bad dimension " + text);
        return Math.toIntExact(v);
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
        Integer v = symbols.get(token);
        if (v == null) throw new IllegalArgumentException("dimension " + token + " is not bound");
        return v;
    }
}
