package dev.nnc.optimizer.graph;

import static dev.nnc.optimizer.graph.GraphPassTesting.assertGolden;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertPreservesOutputs;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import org.junit.jupiter.api.Test;

class DeadCodeEliminationTest {
    private final DeadCodeElimination dce = new DeadCodeElimination();

    /** Unused computations go (and values are renumbered densely); unused inputs and params stay. */
    static final String BEFORE = """
            graph Dead {
              %0 = input {name="x"} : f32[B,4]
              %1 = input {name="unused"} : f32[3]
              %2 = param {name="w", init="zeros"} : f32[4]
              %3 = param {name="spare", init="zeros"} : f32[7]
              %4 = exp(%0) : f32[B,4]
              %5 = neg(%4) : f32[B,4]
              %6 = mul(%0, %2) : f32[B,4]
              %7 = neg(%1) : f32[3]
              %8 = constant {value=2.0} : f32[]
              %9 = add(%6, %8) : f32[B,4]
              return y=%9, x_again=%0
            }
            """;

    @Test void golden() {
        assertGolden(dce, BEFORE, """
                graph Dead {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = input {name="unused"} : f32[3]
                  %2 = param {name="w", init="zeros"} : f32[4]
                  %3 = param {name="spare", init="zeros"} : f32[7]
                  %4 = mul(%0, %2) : f32[B,4]
                  %5 = constant {value=2.0} : f32[]
                  %6 = add(%4, %5) : f32[B,4]
                  return y=%6, x_again=%0
                }
                """);
    }

    @Test void preservesOutputs() {
        assertPreservesOutputs(dce, BEFORE, 42, 0);
    }

    @Test void unusedInputsAndParamsSurvive() {
        Graph out = dce.run(IrParser.parse(BEFORE));
        assertEquals(2, out.inputs().size());
        assertEquals(IrParser.parse(BEFORE).paramSpecs(), out.paramSpecs());
    }

    @Test void aGraphWithNothingDeadIsReturnedAsIs() {
        assertUnchanged(dce, """
                graph Live {
                  %0 = input {name="x"} : f32[2]
                  %1 = input {name="never_read"} : f32[2]
                  %2 = param {name="p", init="zeros"} : f32[2]
                  %3 = relu(%0) : f32[2]
                  return y=%3
                }
                """);
    }

    /** A chain that only feeds a dead node is dead too, however long. */
    @Test void deadChainsGoEntirely() {
        assertGolden(dce, """
                graph Chain {
                  %0 = input {name="x"} : f32[2]
                  %1 = exp(%0) : f32[2]
                  %2 = log(%1) : f32[2]
                  %3 = tanh(%2) : f32[2]
                  %4 = sigmoid(%0) : f32[2]
                  return y=%4
                }
                """, """
                graph Chain {
                  %0 = input {name="x"} : f32[2]
                  %1 = sigmoid(%0) : f32[2]
                  return y=%1
                }
                """);
    }
}
