package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.TensorType;

/**
 * A tensor in storage, row-major and contiguous: the named storage it lives in, the element
 * offset there (arena slots only; 0 elsewhere), and its type. Two bufs with the same space,
 * name and offset but different shapes are views of the same elements (a reshape costs nothing).
 */
public record Buf(Space space, String name, Dim offset, TensorType type) {

    public static Buf input(String name, TensorType type) { return new Buf(Space.INPUT, name, Dim.of(0), type); }

    public static Buf output(String name, TensorType type) { return new Buf(Space.OUTPUT, name, Dim.of(0), type); }

    public static Buf weight(String name, TensorType type) { return new Buf(Space.WEIGHT, name, Dim.of(0), type); }

    public static Buf arena(String name, Dim offset, TensorType type) { return new Buf(Space.ARENA, name, offset, type); }

    /** The same elements seen with another shape of equal size. */
    public Buf view(TensorType t) { return new Buf(space, name, offset, t); }

    /** Same storage and offset, whatever the shape. */
    public boolean sameStorage(Buf other) {
        return space == other.space && name.equals(other.name) && offset.equals(other.offset);
    }
}
