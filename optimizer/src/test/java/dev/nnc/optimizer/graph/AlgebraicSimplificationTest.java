package dev.nnc.optimizer.graph;

import static dev.nnc.optimizer.graph.GraphPassTesting.assertGolden;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertPreservesOutputs;
import static dev.nnc.optimizer.graph.GraphPassTesting.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.Graph;
import dev.nnc.ir.IrParser;
import dev.nnc.ir.Value;
import org.junit.jupiter.api.Test;

class AlgebraicSimplificationTest {
    private final AlgebraicSimplification simplify = new AlgebraicSimplification();

    /**
     * Identity arithmetic collapses to x through a whole chain; 0 - x stays; neg(neg(..)),
     * dropout and a same-dtype cast go; transposes and reshapes compose; x * 1 that broadcasts
     * x to a larger shape stays. Replaced nodes that other nodes still use are kept (%4, %5,
     * %6, %10) for dead-code elimination to judge.
     */
    static final String BEFORE = """
            graph Simplify {
              %0 = input {name="x"} : f32[B,4]
              %1 = constant {value=1.0} : f32[]
              %2 = constant {value=0.0} : f32[]
              %3 = mul(%0, %1) : f32[B,4]
              %4 = mul(%1, %3) : f32[B,4]
              %5 = div(%4, %1) : f32[B,4]
              %6 = add(%5, %2) : f32[B,4]
              %7 = add(%2, %6) : f32[B,4]
              %8 = sub(%7, %2) : f32[B,4]
              %9 = sub(%2, %8) : f32[B,4]
              %10 = neg(%9) : f32[B,4]
              %11 = neg(%10) : f32[B,4]
              %12 = dropout(%0) {rate=0.5} : f32[B,4]
              %13 = cast(%12) {dtype=f32} : f32[B,4]
              %14 = transpose(%13) {perm=[1,0]} : f32[4,B]
              %15 = transpose(%14) {perm=[-1,0]} : f32[B,4]
              %16 = reshape(%0) {shape=[B,2,2]} : f32[B,2,2]
              %17 = flatten(%16) {axis=1} : f32[B,4]
              %18 = reshape(%16) {shape=[B,1,4]} : f32[B,1,4]
              %19 = flatten(%18) {axis=0} : f32[B*4]
              %20 = input {name="y"} : f32[2,3,4]
              %21 = transpose(%20) {perm=[1,2,0]} : f32[3,4,2]
              %22 = transpose(%21) {perm=[1,2,0]} : f32[4,2,3]
              %23 = param {name="v", init="zeros"} : f32[4]
              %24 = constant {value=1.0} : f32[B,4]
              %25 = mul(%23, %24) : f32[B,4]
              %26 = constant {value=1.0} : i32[]
              %27 = cast(%0) {dtype=i32} : i32[B,4]
              %28 = mul(%27, %26) : i32[B,4]
              return a=%8, b=%11, c=%15, d=%17, e=%19, f=%22, g=%25, h=%28, t=%21
            }
            """;

    @Test void golden() {
        assertGolden(simplify, BEFORE, """
                graph Simplify {
                  %0 = input {name="x"} : f32[B,4]
                  %1 = constant {value=1.0} : f32[]
                  %2 = constant {value=0.0} : f32[]
                  %3 = sub(%2, %0) : f32[B,4]
                  %4 = neg(%3) : f32[B,4]
                  %5 = transpose(%0) {perm=[1,0]} : f32[4,B]
                  %6 = reshape(%0) {shape=[B,2,2]} : f32[B,2,2]
                  %7 = reshape(%0) {shape=[B,1,4]} : f32[B,1,4]
                  %8 = reshape(%0) {shape=[B*4]} : f32[B*4]
                  %9 = input {name="y"} : f32[2,3,4]
                  %10 = transpose(%9) {perm=[1,2,0]} : f32[3,4,2]
                  %11 = transpose(%9) {perm=[2,0,1]} : f32[4,2,3]
                  %12 = param {name="v", init="zeros"} : f32[4]
                  %13 = constant {value=1.0} : f32[B,4]
                  %14 = mul(%12, %13) : f32[B,4]
                  %15 = constant {value=1.0} : i32[]
                  %16 = cast(%0) {dtype=i32} : i32[B,4]
                  return a=%0, b=%3, c=%0, d=%0, e=%8, f=%11, g=%14, h=%16, t=%10
                }
                """);
    }

    @Test void preservesOutputs() {
        assertPreservesOutputs(simplify, BEFORE, 3, 0);
    }

    @Test void neverChangesAnOutputsNameOrType() {
        Graph in = IrParser.parse(BEFORE);
        Graph out = simplify.run(in);
        assertEquals(in.outputs().stream().map(o -> o.name()).toList(), out.outputs().stream().map(o -> o.name()).toList());
        assertEquals(in.outputs().stream().map(o -> o.value().type()).toList(),
                out.outputs().stream().map(o -> o.value().type()).toList());
    }

    /**
     * Nothing here is an identity: 1.0000001 is not 1 in f32, the 1 is on the wrong side of a
     * division, a broadcast widens x, a cast changes the dtype, a reshape the shape, and a
     * transpose of a reshape or an abs of a neg are not chains these rules know.
     */
    @Test void leavesNonIdentities() {
        assertUnchanged(simplify, """
                graph Kept {
                  %0 = input {name="x"} : f32[4]
                  %1 = constant {value=1.0000001} : f32[]
                  %2 = mul(%0, %1) : f32[4]
                  %3 = constant {value=1.0} : f32[]
                  %4 = div(%3, %0) : f32[4]
                  %5 = constant {value=0.0} : f32[3,4]
                  %6 = add(%0, %5) : f32[3,4]
                  %7 = cast(%0) {dtype=f16} : f16[4]
                  %8 = reshape(%0) {shape=[2,2]} : f32[2,2]
                  %9 = transpose(%8) {perm=[1,0]} : f32[2,2]
                  %10 = neg(%0) : f32[4]
                  %11 = abs(%10) : f32[4]
                  return a=%2, b=%4, c=%6, d=%7, e=%9, f=%11
                }
                """);
    }

    /** A constant counts by the value it stores: 1.9 in i32 stores 1, and 0.4 stores 0. */
    @Test void constantsCountByTheirStoredValue() {
        Graph out = assertGolden(simplify, """
                graph Stored {
                  %0 = input {name="n"} : i32[3]
                  %1 = constant {value=1.9} : i32[]
                  %2 = mul(%0, %1) : i32[3]
                  %3 = constant {value=0.4} : i32[]
                  %4 = add(%2, %3) : i32[3]
                  return y=%4
                }
                """, """
                graph Stored {
                  %0 = input {name="n"} : i32[3]
                  %1 = constant {value=1.9} : i32[]
                  %2 = constant {value=0.4} : i32[]
                  return y=%0
                }
                """);
        assertEquals(new Value(0, out.inputs().getFirst().type()), out.outputs().getFirst().value());
    }
}
