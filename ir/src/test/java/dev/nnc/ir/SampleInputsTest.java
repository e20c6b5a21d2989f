package dev.nnc.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleInputsTest {
    /** Token ids gathered from a 50-row table, a mask used by nothing, and a float input. */
    static Graph tokens() {
        GraphBuilder g = new GraphBuilder("Tokens");
        Dim b = Dim.sym("B"), s = Dim.sym("S");
        Value ids = g.input("ids", new TensorType(DType.I64, Shape.of(b, s)));
        Value mask = g.input("mask", new TensorType(DType.I64, Shape.of(b, s)));
        Value x = g.input("x", TestGraphs.f32(b, Dim.of(3)));
        Value table = g.param("table", TestGraphs.f32(50, 4), "zeros");
        g.output("out", g.add(Op.GATHER, List.of(table, ids), Attrs.of("axis", 0L)));
        g.output("mask_out", mask);
        g.output("x_out", x);
        return g.build();
    }

    @Test
    void symbolsInOrderOfFirstAppearance() {
        assertEquals(List.of("B", "S"), SampleInputs.symbols(tokens()));
    }

    @Test
    void idsStayWithinTheTableOtherIntegersAreZeroFloatsInUnitInterval() {
        Map<String, Tensor> in = SampleInputs.generate(tokens(), Map.of("B", 3L, "S", 40L), 7);
        assertArrayEquals(new int[] {3, 40}, in.get("ids").shape());
        long[] ids = in.get("ids").longs();
        assertTrue(java.util.Arrays.stream(ids).allMatch(v -> v >= 0 && v < 50));
        assertTrue(java.util.Arrays.stream(ids).distinct().count() > 20, "ids spread over the table");
        assertTrue(java.util.Arrays.stream(in.get("mask").longs()).allMatch(v -> v == 0));
        float[] x = in.get("x").floats();
        assertEquals(9, x.length);
        for (float v : x) assertTrue(v >= 0 && v < 1);
    }

    @Test
    void theSameSeedGivesTheSameInputs() {
        Map<String, Long> dims = Map.of("B", 2L, "S", 5L);
        assertArrayEquals(SampleInputs.generate(tokens(), dims, 1).get("ids").longs(),
                SampleInputs.generate(tokens(), dims, 1).get("ids").longs());
        assertArrayEquals(SampleInputs.generate(tokens(), dims, 1).get("x").floats(),
                SampleInputs.generate(tokens(), dims, 1).get("x").floats());
    }
}
