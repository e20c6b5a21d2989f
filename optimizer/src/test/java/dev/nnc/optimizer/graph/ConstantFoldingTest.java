package dev.nnc.optimizer.graph;

import static dev.nnc.optimizer.graph.GraphPassTesting.assertGolden;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertPreservesOutputs;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {
    private final ConstantFolding fold = new ConstantFolding();

    /**
     * Folds elementwise chains (each fold feeding the next), shape ops, casts to integers
     * (truncating) and reductions; leaves work over inputs and params, and leaves the folded
     * operands for dead-code elimination.
     */
    static final String BEFORE = """
            graph Fold {
              %0 = input {name="x"} : f32[B,4]
              %1 = param {name="w", init="zeros"} : f32[4]
              %2 = constant {value=2.0} : f32[]
              %3 = constant {value=3.0} : f32[]
              %4 = mul(%2, %3) : f32[]
              %5 = sqrt(%4) : f32[]
              %6 = reshape(%4) {shape=[1,1]} : f32[1,1]
              %7 = add(%0, %6) : f32[B,4]
              %8 = constant {value=-2.7} : f32[4]
              %9 = cast(%8) {dtype=i32} : i32[4]
              %10 = reduce_sum(%8) {axes=[0], keepdims=false} : f32[]
              %11 = mul(%1, %5) : f32[4]
              %12 = constant {value=0.1} : f32[2,3]
              %13 = transpose(%12) {perm=[1,0]} : f32[3,2]
              %14 = reduce_mean(%13) {axes=[0,1], keepdims=true} : f32[1,1]
              %15 = mul(%0, %10) : f32[B,4]
              return y=%7, i=%9, w2=%11, m=%14, z=%15
            }
            """;

    @Test void golden() {
        assertGolden(fold, BEFORE, """
                graph Fold {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = param {name="w", init="zeros"} : f32[4]
                  %2 = constant {value=2.0} : f32[]
                  %3 = constant {value=3.0} : f32[]
                  %4 = constant {value=6.0} : f32[]
                  %5 = constant {value=2.4494898} : f32[]
                  %6 = constant {value=6.0} : f32[1,1]
                  %7 = add(%0, %6) : f32[B,4]
                  %8 = constant {value=-2.7} : f32[4]
                  %9 = constant {value=-2.0} : i32[4]
                  %10 = constant {value=-10.8} : f32[]
                  %11 = mul(%1, %5) : f32[4]
                  %12 = constant {value=0.1} : f32[2,3]
                  %13 = constant {value=0.1} : f32[3,2]
                  %14 = constant {value=0.1} : f32[1,1]
                  %15 = mul(%0, %10) : f32[B,4]
                  return y=%7, i=%9, w2=%11, m=%14, z=%15
                }
                """);
    }

    @Test void preservesOutputs() {
        assertPreservesOutputs(fold, BEFORE, 1, 0);
    }

    /** Integer ops keep their dtype's meaning: truncating division, wrapping, casts to bool as "nonzero". */
    static final String INTEGERS = """
            graph Ints {
              %0 = input {name="x"} : i32[3]
              %1 = constant {value=-7.0} : i32[]
              %2 = constant {value=2.0} : i32[]
              %3 = div(%1, %2) : i32[]
              %4 = constant {value=100.0} : i8[]
              %5 = add(%4, %4) : i8[]
              %6 = constant {value=0.5} : f32[]
              %7 = cast(%6) {dtype=bool} : bool[]
              %8 = cast(%6) {dtype=i64} : i64[]
              %9 = constant {value=5.0} : i32[4]
              %10 = reduce_sum(%9) {axes=[0], keepdims=false} : i32[]
              %11 = add(%0, %3) : i32[3]
              return q=%11, wrapped=%5, b=%7, t=%8, s=%10
            }
            """;

    @Test void integersRespectTheirDType() {
        Graph out = assertGolden(fold, INTEGERS, """
                graph Ints {
                  %0 = input {name="x"} : i32[3]
                  %1 = constant {value=-7.0} : i32[]
                  %2 = constant {value=2.0} : i32[]
                  %3 = constant {value=-3.0} : i32[]
                  %4 = constant {value=100.0} : i8[]
                  %5 = constant {value=-56.0} : i8[]
                  %6 = constant {value=0.5} : f32[]
                  %7 = constant {value=1.0} : bool[]
                  %8 = constant {value=0.0} : i64[]
                  %9 = constant {value=5.0} : i32[4]
                  %10 = constant {value=20.0} : i32[]
                  %11 = add(%0, %3) : i32[3]
                  return q=%11, wrapped=%5, b=%7, t=%8, s=%10
                }
                """);
        assertPreservesOutputs(fold, INTEGERS, 2, 0);
        Map<String, Tensor> r = Interpreter.run(out, Map.of("x", Tensor.ofLongs(dev.nnc.runtime.DType.I32,
                new int[] {3}, new long[] {0, 1, 2})), Map.of());
        assertEquals(-56, r.get("wrapped").getLong(0));
    }

    /** An integer division by zero is left to fail at run time, as it would have. */
    @Test void leavesOpsThatFail() {
        assertUnchanged(fold, """
                graph DivZero {
                  %0 = constant {value=1.0} : i32[]
                  %1 = constant {value=0.0} : i32[]
                  %2 = div(%0, %1) : i32[]
                  return y=%2
                }
                """);
    }

    /** Parameters are only known at load time; iota, matmul and softmax results are not splats. */
    @Test void leavesParamsAndNonSplats() {
        assertUnchanged(fold, """
                graph NotSplats {
                  %0 = param {name="w", init="zeros"} : f32[4]
                  %1 = neg(%0) : f32[4]
                  %2 = iota {axis=0} : f32[4]
                  %3 = exp(%2) : f32[4]
                  %4 = constant {value=1.0} : f32[2,2]
                  %5 = matmul(%4, %4) : f32[2,2]
                  %6 = softmax(%4) {axis=-1} : f32[2,2]
                  %7 = constant {value=2.0} : f32[1,2]
                  %8 = concat(%7, %4) {axis=0} : f32[3,2]
                  return a=%1, b=%3, c=%5, d=%6, e=%8
                }
                """);
    }

    /** A concat of equal splats is a splat, as is a slice of a known shape. */
    @Test void concatOfEqualSplatsAndSlices() {
        assertGolden(fold, """
                graph Cat {
                  %0 = constant {value=1.5} : f32[2,2]
                  %1 = constant {value=1.5} : f32[1,2]
                  %2 = concat(%0, %1) {axis=0} : f32[3,2]
                  %3 = slice(%2) {axes=[0], starts=[1], ends=[3], steps=[1]} : f32[2,2]
                  return y=%3
                }
                """, """
                graph Cat {
                  %0 = constant {value=1.5} : f32[2,2]
                  %1 = constant {value=1.5} : f32[1,2]
                  %2 = constant {value=1.5} : f32[3,2]
                  %3 = constant {value=1.5} : f32[2,2]
                  return y=%3
                }
                """);
    }

    /** Every elementwise op folds to exactly what the interpreter computes for the unfolded node. */
    @Test void elementwiseOpsMatchTheInterpreterExactly() {
        String[] unary = {"neg", "abs", "relu", "sigmoid", "tanh", "erf", "exp", "log", "sqrt", "rsqrt", "dropout"};
        String[] binary = {"add", "sub", "mul", "div", "pow", "maximum", "minimum"};
        double[] values = {-1.7, -0.3, 0.0, 0.45, 2.2, 7.0};
        for (String dtype : new String[] {"f32", "f16", "bf16"}) {
            for (double a : values) {
                for (String op : unary) checkFolds(dtype, "%2 = " + op + "(%0) : " + dtype + "[2]", a, 0);
                checkFolds(dtype, "%2 = gelu(%0) {approximate=\"tanh\"} : " + dtype + "[2]", a, 0);
                checkFolds(dtype, "%2 = gelu(%0) : " + dtype + "[2]", a, 0);
                checkFolds(dtype, "%2 = cast(%0) {dtype=i8} : i8[2]", a, 0);
                for (double b : values) {
                    for (String op : binary) checkFolds(dtype, "%2 = " + op + "(%0, %1) : " + dtype + "[2]", a, b);
                }
            }
        }
    }

    private void checkFolds(String dtype, String line, double a, double b) {
        String text = "graph G {\n  %0 = constant {value=" + a + "} : " + dtype + "[2]\n  %1 = constant {value=" + b
                + "} : " + dtype + "[]\n  " + line + "\n  return y=%2\n}\n";
        Graph out = assertPreservesOutputs(fold, text, 0, 0);
        assertEquals(dev.nnc.ir.Op.CONSTANT, out.nodes().get(out.outputs().getFirst().value().id()).op(), text);
    }
}
