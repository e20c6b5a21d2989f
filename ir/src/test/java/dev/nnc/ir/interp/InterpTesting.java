package dev.nnc.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the interpreter tests: tensor literals, one-op graphs and assertions. */
final class InterpTesting {
    private InterpTesting() {}

    static int[] shape(int... dims) {
        return dims;
    }

    static Tensor f32(int[] shape, double... values) {
        return floats(DType.F32, shape, values);
    }

    static Tensor floats(DType dt, int[] shape, double... values) {
        float[] data = new float[values.length];
        for (int i = 0; i < values.length; i++) data[i] = (float) values[i];
        return Tensor.ofFloats(dt, shape, data);
    }

    static Tensor longs(DType dt, int[] shape, long... values) {
        return Tensor.ofLongs(dt, shape, values.clone());
    }

    static Tensor i64(int[] shape, long... values) {
        return longs(DType.I64, shape, values);
    }

    static Tensor i32(int[] shape, long... values) {
        return longs(DType.I32, shape, values);
    }

    /**
     * Deterministic pseudo-random f32 values in [-1, 1) (a multiplicative hash, so that
     * neighbouring elements are unrelated). The PyTorch snippets in the tests build the same
     * tensors with
     * <pre>
     * def det(shape, seed):
     *     n = int(np.prod(shape))
     *     v = []
     *     for i in range(n):
     *         h = (i * 2654435761 + seed * 97531) &amp; 0xFFFFFFFF
     *         h ^= h &gt;&gt; 15
     *         v.append((h % 2003) / 1001.5 - 1)
     *     return torch.tensor(np.array(v, dtype=np.float32).reshape(shape))
     * </pre>
     */
    static Tensor det(int[] shape, int seed) {
        int n = Shapes.size(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            long h = (i * 2654435761L + seed * 97531L) & 0xFFFFFFFFL;
            h ^= h >>> 15;
            v[i] = (float) ((h % 2003) / 1001.5 - 1);
        }
        return Tensor.ofFloats(DType.F32, shape, v);
    }

    static TensorType typeOf(Tensor t) {
        return new TensorType(t.dtype(), Shape.of(java.util.Arrays.stream(t.shape()).asLongStream().toArray()));
    }

    /**
     * Runs one op on the given operands, each fed as a graph input named x0, x1, ... with
     * its exact type, and returns the result.
     */
    static Tensor run1(Op op, Attrs attrs, Tensor... operands) {
        GraphBuilder b = new GraphBuilder("t");
        List<Value> vs = new ArrayList<>();
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (int i = 0; i < operands.length; i++) {
            vs.add(b.input("x" + i, typeOf(operands[i])));
            in.put("x" + i, operands[i]);
        }
        b.output("y", b.add(op, vs, attrs));
        return Interpreter.run(b.build(), in, Map.of()).get("y");
    }

    static Tensor run1(Op op, Tensor... operands) {
        return run1(op, Attrs.NONE, operands);
    }

    /** Runs a graph with no weights. */
    static Map<String, Tensor> run(Graph g, Map<String, Tensor> inputs) {
        return Interpreter.run(g, inputs, Map.of());
    }

    /** Exact comparison of a float tensor's type and values (the expected values must be representable). */
    static void assertTensor(Tensor actual, DType dt, int[] shape, double... expected) {
        assertEquals(dt, actual.dtype(), "dtype");
        assertArrayEquals(shape, actual.shape(), "shape");
        double[] got = new double[actual.size()];
        for (int i = 0; i < got.length; i++) got[i] = actual.getDouble(i);
        assertArrayEquals(expected, got, 0.0, "values of " + actual);
    }

    static void assertLongs(Tensor actual, DType dt, int[] shape, long... expected) {
        assertEquals(dt, actual.dtype(), "dtype");
        assertArrayEquals(shape, actual.shape(), "shape");
        assertArrayEquals(expected, actual.longs(), "values of " + actual);
    }

    /**
     * Each element within {@code rtol * |expected| + atol} of the expected value (NaNs must
     * match NaNs, infinities must be equal).
     */
    static void assertClose(Tensor actual, int[] shape, double rtol, double atol, double... expected) {
        assertArrayEquals(shape, actual.shape(), "shape of " + actual);
        assertEquals(expected.length, actual.size(), "element count");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual.getDouble(i);
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                if (Double.compare(e, a) != 0) fail("element " + i + ": expected " + e + " but got " + a);
                continue;
            }
            if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
                fail("element " + i + " of " + actual + ": expected " + e + " but got " + a + " (difference "
                        + Math.abs(a - e) + ", tolerance " + (rtol * Math.abs(e) + atol) + ")");
            }
        }
    }
}
