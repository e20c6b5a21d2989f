package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.jvm.JvmBackend;
import dev.nnc.codegen.jvm.ModelLoader;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReduceCodegenTest {
    private static final String[] KINDS = {"reduce_sum", "reduce_mean", "reduce_max"};

    @Test
    void everyContiguousRangeOfAxes() {
        List<String> dims = List.of("B", "3", "17", "5");
        long seed = 0;
        for (int first = 0; first < dims.size(); first++) {
            for (int last = first; last < dims.size(); last++) {
                for (String kind : KINDS) {
                    check(kind, dims, first, last, false, seed++);
                    check(kind, dims, first, last, true, seed++);
                }
            }
        }
    }

    @Test
    void rowsOfOddLengths() {
        long seed = 100;
        for (String n : new String[] {"1", "3", "15", "17", "33", "300"}) {
            for (String kind : KINDS) check(kind, List.of("B", "2", n), 2, 2, false, seed++);
        }
    }

    @Test
    void columnsOfOddWidths() {
        long seed = 200;
        for (String n : new String[] {"1", "3", "15", "17", "33", "300"}) {
            for (String kind : KINDS) check(kind, List.of("B", "7", n), 1, 1, true, seed++);
        }
    }

    /** A NaN anywhere in a row (also in its last, partial vector) or a column makes its max NaN, as on the JVM. */
    @Test
    void maxPropagatesNaN() {
        checkNaN("f32[3,20]", "f32[3]", 1, new int[] {5, 39});
        checkNaN("f32[20,3]", "f32[3]", 0, new int[] {15, 59});
    }

    /** Max over {@code axis} of x with NaN at the flat positions {@code nans}: native NaN exactly where the JVM gives NaN. */
    private static void checkNaN(String x, String y, int axis, int[] nans) {
        KernelProgram p = KernelParser.parse("""
                kernels Max {
                  input x : %1$s
                  output y : %2$s
                  arena 0
                  reduce_max(in:x : %1$s) -> out:y : %2$s {axes=[%3$d]}
                }
                """.formatted(x, y, axis));
        float[] values = new float[60];
        for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i);
        for (int i : nans) values[i] = Float.NaN;
        int[] shape = axis == 1 ? new int[] {3, 20} : new int[] {20, 3};
        Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(DType.F32, shape, values));
        float[] expected = ModelLoader.instantiate(JvmBackend.compile(p, "Ref"), Map.of()).run(inputs).get("y").floats();
        float[] actual;
        try (NativeModel m = NativeBackend.load(p, Map.of())) {
            actual = m.run(inputs).get("y").floats();
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i])) assertTrue(Float.isNaN(actual[i]), "output " + i + " is " + actual[i]);
            else assertEquals(expected[i], actual[i]);
        }
    }

    /** Reduces axes {@code [first, last]} of x : f32[dims] (B symbolic), with batch 1 and 3. */
    private static void check(String kind, List<String> dims, int first, int last, boolean keepDims, long seed) {
        List<String> out = new ArrayList<>();
        List<String> axes = new ArrayList<>();
        for (int d = 0; d < dims.size(); d++) {
            boolean reduced = d >= first && d <= last;
            if (reduced) axes.add(String.valueOf(d));
            if (!reduced) out.add(dims.get(d));
            else if (keepDims) out.add("1");
        }
        String x = "f32[" + String.join(",", dims) + "]", y = "f32[" + String.join(",", out) + "]";
        String kir = """
                kernels Reduce {
                  input x : %1$s
                  output y : %2$s
                  arena 0
                  %3$s(in:x : %1$s) -> out:y : %2$s {axes=[%4$s]}
                }
                """.formatted(x, y, kind, String.join(",", axes));
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, seed);
    }
}
