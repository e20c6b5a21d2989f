package dev.nnc.optimizer.graph;

import static dev.nnc.optimizer.graph.GraphPassTesting.assertGolden;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertPreservesOutputs;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertUnchanged;

import org.junit.jupiter.api.Test;

class CommonSubexpressionEliminationTest {
    private final CommonSubexpressionElimination cse = new CommonSubexpressionElimination();

    /**
     * The second exp, the equal constant and everything built only from merged values go
     * (merges cascade: %9 equals %7 once %8 is %6); a different attribute, a different
     * constant type and swapped operands keep nodes apart, as do inputs and params of equal types.
     */
    static final String BEFORE = """
            graph Cse {
              %0 = input {name="x"} : f32[B,4]
              %1 = input {name="x2"} : f32[B,4]
              %2 = param {name="p", init="zeros"} : f32[4]
              %3 = param {name="q", init="zeros"} : f32[4]
              %4 = constant {value=2.0} : f32[]
              %5 = constant {value=2.0} : f32[]
              %6 = exp(%0) : f32[B,4]
              %7 = mul(%6, %4) : f32[B,4]
              %8 = exp(%0) : f32[B,4]
              %9 = mul(%8, %5) : f32[B,4]
              %10 = mul(%4, %6) : f32[B,4]
              %11 = add(%2, %3) : f32[4]
              %12 = constant {value=2.0} : f32[4]
              %13 = softmax(%6) {axis=1} : f32[B,4]
              %14 = softmax(%6) {axis=-1} : f32[B,4]
              %15 = softmax(%8) {axis=1} : f32[B,4]
              %16 = add(%1, %0) : f32[B,4]
              return a=%7, b=%9, c=%10, d=%11, e=%12, f=%13, g=%14, h=%15, i=%16
            }
            """;

    @Test void golden() {
        assertGolden(cse, BEFORE, """
                graph Cse {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = input {name="x2"} : f32[B,4]
                  %2 = param {name="p", init="zeros"} : f32[4]
                  %3 = param {name="q", init="zeros"} : f32[4]
                  %4 = constant {value=2.0} : f32[]
                  %5 = exp(%0) : f32[B,4]
                  %6 = mul(%5, %4) : f32[B,4]
                  %7 = mul(%4, %5) : f32[B,4]
                  %8 = add(%2, %3) : f32[4]
                  %9 = constant {value=2.0} : f32[4]
                  %10 = softmax(%5) {axis=1} : f32[B,4]
                  %11 = softmax(%5) {axis=-1} : f32[B,4]
                  %12 = add(%1, %0) : f32[B,4]
                  return a=%6, b=%6, c=%7, d=%8, e=%9, f=%10, g=%11, h=%10, i=%12
                }
                """);
    }

    @Test void preservesOutputs() {
        assertPreservesOutputs(cse, BEFORE, 7, 0);
    }

    /** Equal-typed inputs and params are distinct tensors; 0.0 and -0.0 are distinct constants. */
    @Test void leavesDistinctSourcesAlone() {
        assertUnchanged(cse, """
                graph Distinct {
                  %0 = input {name="a"} : f32[3]
                  %1 = input {name="b"} : f32[3]
                  %2 = param {name="p", init="zeros"} : f32[3]
                  %3 = param {name="q", init="zeros"} : f32[3]
                  %4 = constant {value=0.0} : f32[]
                  %5 = constant {value=-0.0} : f32[]
                  %6 = iota {axis=0} : f32[3]
                  %7 = iota {axis=0} : i32[3]
                  %8 = add(%0, %1) : f32[3]
                  %9 = add(%2, %3) : f32[3]
                  %10 = div(%8, %4) : f32[3]
                  %11 = div(%9, %5) : f32[3]
                  return y=%10, z=%11, i=%6, j=%7
                }
                """);
    }
}
