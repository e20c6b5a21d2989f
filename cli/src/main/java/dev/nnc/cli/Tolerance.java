package dev.nnc.cli;

import java.util.Locale;

/** An element matches when {@code |actual - expected| <= relative * |expected| + absolute}; NaN matches only NaN. */
record Tolerance(double relative, double absolute) {
    static final Tolerance DEFAULT = new Tolerance(1e-4, 1e-5);

    Tolerance {
        if (!(relative >= 0) || !(absolute >= 0)) {
            throw new UserError("tolerances must be non-negative numbers, got " + relative + " relative and " + absolute + " absolute");
        }
    }

    boolean ok(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) return Double.isNaN(expected) && Double.isNaN(actual);
        if (expected == actual) return true; // equal infinities
        return Math.abs(actual - expected) <= relative * Math.abs(expected) + absolute;
    }

    @Override public String toString() {
        return "|got - expected| <= " + number(relative) + "*|expected| + " + number(absolute);
    }

    /** Three significant digits without padding: 0, 0.5, 1e-4, 7.45e-9. */
    static String number(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return v == 0 ? "0" : Double.toString(v);
        double a = Math.abs(v);
        String s = a < 1e-3 || a >= 1e5 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.3g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        return e < 0 ? mantissa : mantissa + "e" + Integer.parseInt(s.substring(e + 1));
    }
}
