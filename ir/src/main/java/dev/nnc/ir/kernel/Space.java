package dev.nnc.ir.kernel;

/** Where a buffer's storage lives. */
public enum Space {
    /** A model input, read-only. */
    INPUT("in"),
    /** A model output, written by exactly one kernel. */
    OUTPUT("out"),
    /** A trained parameter, read-only, possibly pre-packed at load time by a backend. */
    WEIGHT("w"),
    /** A slot in the model's one scratch arena, at a planned offset. */
    ARENA("arena");

    private final String text;

    Space(String text) { this.text = text; }

    public String text() { return text; }
}
