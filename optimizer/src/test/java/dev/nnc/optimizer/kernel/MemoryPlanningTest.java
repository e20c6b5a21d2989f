package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertGolden;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.lower;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static dev.nnc.optimizer.kernel.KernelPassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryPlanningTest {
    private final MemoryPlanning pass = new MemoryPlanning();

    @Test void goldenViews() {
        KernelProgram[] r = assertGolden(pass, "plan-memory-views");
        Kernel relu = r[1].kernels().get(2);
        assertTrue(relu.inPlace(), () -> "the relu runs in place: " + KernelPrinter.print(relu));
        assertSameOutputs(r[0], r[1], 14, REL, ABS);
    }

    /** Passes that move reads or writes track values by storage name: after planning shares storage, they do nothing. */
    @Test void movingPassesLeavePlannedProgramsAlone() {
        KernelProgram planned = assertGolden(pass, "plan-memory-views")[1];
        assertUnchanged(new MatMulTransposeFolding(), planned);
        assertUnchanged(new ElementwiseFusion(), planned);
        assertUnchanged(new EpilogueFusion(), planned);
    }

    /** An input that a later kernel still reads is not overwritten in place. */
    @Test void inputReadLaterIsNotOverwritten() {
        KernelProgram after = runAll(parse("""
                kernels Keep {
                  input x : f32[B,4]
                  output a : f32[B,4]
                  output b : f32[B,4]
                  arena B*12
                  elementwise(in:x : f32[B,4]) -> arena:t0@0 : f32[B,4] = exp(%0)
                  elementwise(arena:t0@0 : f32[B,4]) -> arena:t1@B*4 : f32[B,4] = neg(%0)
                  elementwise(arena:t1@B*4 : f32[B,4], arena:t0@0 : f32[B,4]) -> out:a : f32[B,4] = add(%0, %1)
                  elementwise(arena:t0@0 : f32[B,4]) -> out:b : f32[B,4] = relu(%0)
                }
                """), pass);
        assertFalse(after.kernels().get(1).inPlace());
        assertEquals(Dim.sym("B").times(Dim.of(32)), after.arenaSize(), "two live [B,4] slots, each rounded to 16 elements");
    }

    /** Sizes with different symbols plan in separate pools; a computed dim gets a pool of its own, after the others. */
    @Test void symbolicPools() {
        KernelProgram after = runAll(parse("""
                kernels Pools {
                  input x : f32[B,S]
                  input c : f32[3]
                  output y : f32[B,S]
                  output z : f32[3]
                  output h : f32[B,S/2]
                  arena B*S*2+3+B
                  elementwise(in:x : f32[B,S]) -> arena:t0@0 : f32[B,S] = exp(%0)
                  elementwise(in:c : f32[3]) -> arena:t1@B*S : f32[3] = exp(%0)
                  reduce_sum(arena:t0@0 : f32[B,S]) -> arena:t2@B*S+3 : f32[B] {axes=[1]}
                  elementwise(arena:t0@0 : f32[B,S], arena:t2@B*S+3 : f32[B,1]) -> out:y : f32[B,S] = div(%0, %1)
                  elementwise(arena:t1@B*S : f32[3]) -> out:z : f32[3] = neg(%0)
                  slice(in:x : f32[B,S]) -> arena:t3@B*S+3+B : f32[B,S/2] {starts=[0,0], steps=[1,2]}
                  elementwise(arena:t3@B*S+3+B : f32[B,S/2]) -> out:h : f32[B,S/2] = neg(%0)
                }
                """), pass);
        // Pools: B (t2: 16), B*S (t0: 16), constants (t1: 16), then t3's own B*(S/2).
        assertEquals("B*16+B*S*16+16+B*(S/2)", after.arenaSize().toString());
    }

    /** Reshapes and flattens between kernels are views of one storage: one lifetime, one offset. */
    @Test void viewsShareTheirStoragesOffset() {
        KernelProgram before = lower("""
                graph Views {
                  %0 = input {name="x"} : f32[B,2,3,4]
                  %1 = exp(%0) : f32[B,2,3,4]
                  %2 = flatten(%1) {axis=1} : f32[B,24]
                  %3 = neg(%2) : f32[B,24]
                  %4 = reshape(%1) {shape=[B,6,4]} : f32[B,6,4]
                  %5 = softmax(%4) {axis=2} : f32[B,6,4]
                  %6 = reshape(%5) {shape=[B,24]} : f32[B,24]
                  %7 = add(%3, %6) : f32[B,24]
                  return y=%7
                }
                """);
        KernelProgram after = runAll(before, pass);
        Map<String, Dim> offsets = new java.util.HashMap<>();
        for (Kernel k : after.kernels()) {
            for (Buf b : k.ins()) {
                if (b.space() == Space.ARENA) {
                    Dim prev = offsets.putIfAbsent(b.name(), b.offset());
                    assertTrue(prev == null || prev.equals(b.offset()), () -> "views of " + b.name() + " moved apart");
                }
            }
        }
        assertSameOutputs(before, after, 15, REL, ABS);
    }

    @Test void emptyArena() {
        KernelProgram p = parse("""
                kernels E {
                  input x : f32[2]
                  output y : f32[2]
                  arena 0
                  elementwise(in:x : f32[2]) -> out:y : f32[2] = neg(%0)
                }
                """);
        assertEquals(p, pass.run(p));
    }
}
