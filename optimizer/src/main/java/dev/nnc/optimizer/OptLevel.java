package dev.nnc.optimizer;

import java.util.Locale;

/** How hard the compiler optimizes: {@code -O0} lowers one kernel per op, {@code -O2} (the default) runs every pass. */
public enum OptLevel {
    O0, O1, O2;

    public static final OptLevel DEFAULT = O2;

    /** "0", "1", "2", "O2" or "o2". */
    public static OptLevel parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (!t.startsWith("O")) t = "O" + t;
        for (OptLevel l : values()) if (l.name().equals(t)) return l;
        throw new IllegalArgumentException("unknown optimization level '" + text + "' (expected 0, 1 or 2)");
    }
}
