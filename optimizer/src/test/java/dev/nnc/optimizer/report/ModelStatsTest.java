package dev.nnc.optimizer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.Verifier;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The six numbers of {@code nnc --stats}, checked against sums worked out by hand. */
class ModelStatsTest {
    /** A dense layer, a scale by a scalar constant and a relu; an f16 parameter to check bytes by dtype. */
    static final String DENSE = """
            graph Dense {
              %0 = input {name="x"} : f32[B,8]
              %1 = param {name="w", init="zeros"} : f32[4,8]
              %2 = param {name="b", init="zeros"} : f32[4]
              %3 = param {name="unused", init="zeros"} : f16[3]
              %4 = transpose(%1) {perm=[1,0]} : f32[8,4]
              %5 = matmul(%0, %4) : f32[B,4]
              %6 = add(%5, %2) : f32[B,4]
              %7 = constant {value=2.0} : f32[]
              %8 = mul(%6, %7) : f32[B,4]
              %9 = relu(%8) : f32[B,4]
              return y=%9
            }
            """;

    static Graph dense() {
        Graph g = IrParser.parse(DENSE);
        Verifier.verify(g);
        return g;
    }

    @Test
    void countsByHandOnADenseLayer() {
        Graph g = dense();
        KernelProgram naive = Lowering.lower(g);
        // O0 intermediates: transpose [8,4], matmul [B,4], add [B,4], mul [B,4]; relu writes the output.
        ModelStats s = ModelStats.of(g, naive, naive, 3);
        assertEquals(5, s.ops(), "transpose, matmul, add, mul, relu (inputs, params and constants do not count)");
        assertEquals(naive.kernels().size(), s.kernels());
        assertEquals((32 + 3 * 4 * 3) * 4, s.naiveBytes());
        assertEquals(s.naiveBytes(), s.arenaBytes(), "the naive program is its own plan");
        assertEquals((32 + 4) * 4 + 3 * 2, s.weightBytes());
        // Per row: 2*4*8 for the matmul, then one op per element for add, mul and relu.
        assertEquals(2 * 4 * 8 + 4 + 4 + 4, s.flops());
    }

    @Test
    void flopsArePerBatchElementAndBytesScaleWithTheBatch() {
        Graph g = dense();
        KernelProgram naive = Lowering.lower(g);
        KernelProgram optimized = PassManager.forLevel(OptLevel.O2).run(g);
        ModelStats one = ModelStats.of(g, naive, optimized, 1), many = ModelStats.of(g, naive, optimized, 32);
        assertEquals(one.flops(), many.flops());
        assertEquals(one.weightBytes(), many.weightBytes());
        assertTrue(many.naiveBytes() > one.naiveBytes());
        assertTrue(one.kernels() <= naive.kernels().size(), "optimizing never adds run-time kernels");
        assertThrows(IllegalArgumentException.class, () -> ModelStats.of(g, naive, optimized, 0));
    }

    @Test
    void convolutionFlopsCountTheWindowPerGroup() {
        KernelProgram p = KernelParser.parse("""
                kernels Conv {
                  input x : f32[B,4,6,6]
                  weight w : f32[8,2,3,3]
                  output y : f32[B,8,4,4]
                  arena 0
                  conv2d(in:x : f32[B,4,6,6], w:w : f32[8,2,3,3]) -> out:y : f32[B,8,4,4] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=2, layout=nchw} epilogue() = relu(%0)
                }
                """);
        // 2*O*OH*OW*(C/groups)*KH*KW, plus the relu once per output element.
        assertEquals(2L * 8 * 4 * 4 * 2 * 3 * 3 + 8 * 4 * 4, FlopCounter.count(p, 1));
        assertEquals(5 * FlopCounter.count(p, 1), FlopCounter.count(p, 5));
    }

    @Test
    void reductionsAndRowKernelsCountTheirInputAndDataMovementIsFree() {
        KernelProgram p = KernelParser.parse("""
                kernels Rows {
                  input x : f32[B,6,10]
                  output y : f32[B,6,10]
                  output z : f32[B,10,6]
                  arena B*6
                  softmax(in:x : f32[B,6,10]) -> out:y : f32[B,6,10] {axis=2}
                  reduce_sum(in:x : f32[B,6,10]) -> arena:t0@0 : f32[B,6] {axes=[2]}
                  transpose(in:x : f32[B,6,10]) -> out:z : f32[B,10,6] {perm=[0,2,1]}
                }
                """);
        assertEquals(60 + 60, FlopCounter.count(p, 1));
    }

    @Test
    void eachSymbolTakesItsOwnValueWhenBoundByName() {
        KernelProgram p = KernelParser.parse("""
                kernels Seq {
                  input x : f32[B,S,10]
                  output y : f32[B,S,10]
                  arena 0
                  softmax(in:x : f32[B,S,10]) -> out:y : f32[B,S,10] {axis=2}
                }
                """);
        assertEquals(3 * 7 * 10, FlopCounter.count(p, java.util.Map.of("B", 3L, "S", 7L)));
        assertEquals(3 * 3 * 10, FlopCounter.count(p, 3));
    }

    @Test
    void jsonHasExactlyTheSixKeysInOrder() {
        String json = StatsReport.json(new ModelStats(17, 8, 108160, 418512, 373288, 5677908));
        assertEquals("{\"ops\": 17, \"kernels\": 8, \"arena_bytes\": 108160, \"naive_bytes\": 418512, "
                + "\"weight_bytes\": 373288, \"flops\": 5677908}\n", json);
        assertTrue(Pattern.matches("\\{(\"[a-z_]+\": \\d+(, )?){6}}\\n", json), json);
    }

    @Test
    void textGivesUnitsAndBothRatios() {
        String text = StatsReport.text("M", "O2", new ModelStats(10, 5, 1000, 4000, 2048, 1_500_000), 1);
        assertTrue(text.contains("arena_bytes   1000 B (1.00 kB)"), text);
        assertTrue(text.contains("flops         1500000 (1.50 MFLOP) per batch element"), text);
        assertTrue(text.contains("arena/naive   0.250"), text);
        assertTrue(text.contains("kernels/ops   0.500"), text);
    }
}
