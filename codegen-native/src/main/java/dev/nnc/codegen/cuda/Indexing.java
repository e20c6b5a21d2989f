package dev.nnc.codegen.cuda;

import dev.nnc.codegen.nativecode.FunctionWriter;
import dev.nnc.codegen.nativecode.KernelEnv;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Row-major index arithmetic: a flat index into coordinates, and coordinates into the flat index of a broadcast operand. */
final class Indexing {
    private Indexing() {}

    /** The coordinates (i64, outermost first) of flat index {@code flat} in {@code shape}. */
    static List<String> coordinates(FunctionWriter f, KernelEnv env, String flat, Shape shape) {
        List<String> c = new ArrayList<>();
        String rest = flat;
        for (int d = shape.rank() - 1; d >= 0; d--) {
            if (d == 0) {
                c.add(rest);
                break;
            }
            String size = env.dim(f, shape.dim(d));
            c.add(Gpu.rem(f, rest, size));
            rest = Gpu.div(f, rest, size);
        }
        Collections.reverse(c);
        return c;
    }

    /**
     * The flat index in {@code operand} of the element that broadcasts (NumPy rules) to the
     * output element at {@code outCoords}: dims aligned from the right, size-1 dims read index 0.
     */
    static String broadcastOffset(FunctionWriter f, KernelEnv env, Shape operand, List<String> outCoords) {
        int skip = outCoords.size() - operand.rank();
        String offset = "0";
        for (int j = 0; j < operand.rank(); j++) {
            Dim size = operand.dim(j);
            offset = Gpu.mul(f, offset, env.dim(f, size));
            if (!size.equals(Dim.of(1))) offset = Gpu.add(f, offset, outCoords.get(skip + j));
        }
        return offset;
    }

    /** The flat index of {@code coords} in {@code shape} (same rank). */
    static String offset(FunctionWriter f, KernelEnv env, Shape shape, List<String> coords) {
        String offset = "0";
        for (int j = 0; j < shape.rank(); j++) offset = Gpu.add(f, Gpu.mul(f, offset, env.dim(f, shape.dim(j))), coords.get(j));
        return offset;
    }

    /** The product of dims {@code [from, to)} of a shape (1 when empty). */
    static Dim product(Shape s, int from, int to) {
        Dim p = Dim.of(1);
        for (int d = from; d < to; d++) p = p.times(s.dim(d));
        return p;
    }

    /** The shape made of dims {@code [from, to)}. */
    static Shape part(Shape s, int from, int to) {
        List<Dim> dims = new ArrayList<>();
        for (int d = from; d < to; d++) dims.add(s.dim(d));
        return new Shape(dims);
    }
}
