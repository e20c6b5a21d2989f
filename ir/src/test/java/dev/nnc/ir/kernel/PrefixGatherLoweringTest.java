package dev.nnc.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Dim;
import dev.nnc.ir.IrParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Position embeddings, {@code gather(table, iota(S))}, lower to a slice of the table's first S
 * rows (no integer tensor is computed inside the model, so the f32 backends can run it), and
 * the program declares S <= rows as a run-time size limit.
 */
class PrefixGatherLoweringTest {
    static final String POSITIONS = """
            graph Positions {
              %0 = input {name="ids"} : i64[B,S]
              %1 = param {name="pos.weight", init="zeros"} : f32[64,8]
              %2 = iota {axis=0} : i64[S]
              %3 = gather(%1, %2) {axis=0} : f32[S,8]
              %4 = param {name="tok.weight", init="zeros"} : f32[100,8]
              %5 = gather(%4, %0) {axis=0} : f32[B,S,8]
              %6 = add(%5, %3) : f32[B,S,8]
              return output=%6
            }
            """;

    @Test
    void aGatherOfAnIotaIsASliceOfTheFirstRows() {
        KernelProgram p = Lowering.lower(IrParser.parse(POSITIONS));
        KernelVerifier.verify(p);
        assertEquals(List.of(Kernel.Slice.class, Kernel.Gather.class, Kernel.Elementwise.class),
                p.kernels().stream().map(Object::getClass).toList(), KernelPrinter.print(p));
        Kernel.Slice s = (Kernel.Slice) p.kernels().getFirst();
        assertEquals("pos.weight", s.x().name());
        assertEquals(List.of(0, 0), s.starts());
        assertEquals(List.of(1, 1), s.steps());
        assertEquals(List.of(Dim.sym("S"), Dim.of(8)), s.out().type().shape().dims());
        assertTrue(F32Support.problem(p, "the test backend").isEmpty(), () -> F32Support.problem(p, "it").orElse(""));
    }

    @Test
    void theSliceBoundsSToTheTableRowsInTheSignature() {
        KernelProgram p = Lowering.lower(IrParser.parse(POSITIONS));
        assertEquals(List.of(new SizeLimits.Limit(Dim.sym("S"), 64,
                "the model reads the first S entries of axis 0 of 'pos.weight' (f32[64,8])")), SizeLimits.of(p));
        assertTrue(ProgramSignature.text(p, List.of()).contains("\nlimit S 64 the model reads the first S entries"),
                ProgramSignature.text(p, List.of()));
    }

    /** Along another axis, and with a fixed length that fits: a slice with nothing to check at run time. */
    @Test
    void aFixedLengthNeedsNoLimitAndOtherAxesSliceToo() {
        KernelProgram p = Lowering.lower(IrParser.parse("""
                graph Columns {
                  %0 = param {name="t", init="zeros"} : f32[4,10]
                  %1 = iota {axis=0} : i64[6]
                  %2 = gather(%0, %1) {axis=1} : f32[4,6]
                  return output=%2
                }
                """));
        KernelVerifier.verify(p);
        Kernel.Slice s = (Kernel.Slice) p.kernels().getFirst();
        assertEquals(List.of(Dim.of(4), Dim.of(6)), s.out().type().shape().dims());
        assertTrue(SizeLimits.of(p).isEmpty());
    }

    /** An iota that is also used otherwise keeps its kernel; a 2-D iota is not a list of positions. */
    @Test
    void otherIotasStayGathers() {
        KernelProgram p = Lowering.lower(IrParser.parse("""
                graph Twice {
                  %0 = param {name="t", init="zeros"} : f32[4,10]
                  %1 = iota {axis=0} : i64[2,3]
                  %2 = gather(%0, %1) {axis=0} : f32[2,3,10]
                  return output=%2
                }
                """));
        assertEquals(List.of(Kernel.Iota.class, Kernel.Gather.class), p.kernels().stream().map(Object::getClass).toList());
    }

    /** A known length past the table stays a gather, whose index check reports the bad index. */
    @Test
    void aKnownLengthPastTheTableStaysAGather() {
        KernelProgram p = Lowering.lower(IrParser.parse("""
                graph TooLong {
                  %0 = param {name="t", init="zeros"} : f32[4,10]
                  %1 = iota {axis=0} : i64[5]
                  %2 = gather(%0, %1) {axis=0} : f32[5,10]
                  return output=%2
                }
                """));
        assertTrue(p.kernels().stream().anyMatch(k -> k instanceof Kernel.Gather));
    }
}
