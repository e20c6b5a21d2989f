package dev.nnc.runtime;

import java.util.Optional;

/**
 * Element types of nnc tensors.
 *
 * <p>The lower-case {@link #text()} is the spelling used in the nnc language and in
 * diagnostics ({@code f32[2,10]}); file formats have their own names, which
 * {@link Safetensors} and {@link Npy} map themselves.
 */
public enum DType {
    F32("f32", 4, true),
    F16("f16", 2, true),
    BF16("bf16", 2, true),
    I8("i8", 1, false),
    I32("i32", 4, false),
    I64("i64", 8, false),
    BOOL("bool", 1, false);

    private final String text;
    private final int byteSize;
    private final boolean isFloat;

    DType(String text, int byteSize, boolean isFloat) {
        this.text = text;
        this.byteSize = byteSize;
        this.isFloat = isFloat;
    }

    /** The nnc spelling: {@code "f32"}, {@code "bf16"}, {@code "bool"}, ... */
    public String text() {
        return text;
    }

    /** The dtype spelled {@code text} exactly as {@link #text()} returns it, if any. */
    public static Optional<DType> fromText(String text) {
        for (DType d : values()) {
            if (d.text.equals(text)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** True for F32, F16 and BF16, whose values a {@link Tensor} keeps in a {@code float[]}. */
    public boolean isFloat() {
        return isFloat;
    }

    /** Bytes per element in files and in native memory; a bool takes one byte. */
    public int byteSize() {
        return byteSize;
    }

    @Override
    public String toString() {
        return text;
    }
}
