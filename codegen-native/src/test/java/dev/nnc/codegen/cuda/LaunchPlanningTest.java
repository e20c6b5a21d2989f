package dev.nnc.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.codegen.nativecode.ModuleLayout;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.cuda.ContextBlock;
import dev.nnc.runtime.cuda.LaunchPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host side without a GPU: grids for symbol values, the launches of a call, and the context block's slots. */
class LaunchPlanningTest {
    private static final Dim B = Dim.sym("B");

    private static TensorType f32(Dim... dims) { return new TensorType(DType.F32, Shape.of(dims)); }

    @Test
    void perElementGridsRoundUpToWholeBlocksOf256() {
        Grid g = Grid.perElement(B.times(Dim.of(100)));
        assertArrayEquals(new long[] {1, 1, 1}, g.blocks(Map.of("B", 1L)));
        assertArrayEquals(new long[] {2, 1, 1}, g.blocks(Map.of("B", 3L)));    // 300 elements
        assertArrayEquals(new long[] {13, 1, 1}, g.blocks(Map.of("B", 32L)));  // 3200 elements
        assertEquals(256, g.threads());
    }

    @Test
    void matmulGridsTileTheOutputAndSpanTheBatch() {
        Buf a = Buf.input("a", f32(B, Dim.of(8), Dim.of(100), Dim.of(64)));
        Buf b = Buf.weight("b", f32(Dim.of(64), Dim.of(130)));
        Buf c = Buf.output("c", f32(B, Dim.of(8), Dim.of(100), Dim.of(130)));
        Grid g = new MatMulCuda().grid(new Kernel.MatMul(c, a, b, null, false, false, Kernel.Epilogue.NONE));
        // x: 130 columns in tiles of 64 -> 3; y: 100 rows -> 2; z: B * 8 matrices.
        assertArrayEquals(new long[] {3, 2, 40}, g.blocks(Map.of("B", 5L)));
        assertEquals(GemmTiles.THREADS, g.threads());
    }

    @Test
    void convolutionGridsTilePixelsAndChannelsPerGroup() {
        Buf x = Buf.input("x", f32(B, Dim.of(8), Dim.of(10), Dim.of(10)));
        Buf w = Buf.weight("w", f32(Dim.of(96), Dim.of(4), Dim.of(3), Dim.of(3)));
        Buf y = Buf.output("y", f32(B, Dim.of(96), Dim.of(8), Dim.of(8)));
        var k = new Kernel.Conv2d(y, x, w, null, List.of(1, 1), List.of(0, 0, 0, 0), List.of(1, 1), 2,
                Kernel.Layout.NCHW, Kernel.Layout.NCHW, Kernel.Epilogue.NONE);
        // 2 groups of 48 output channels (1 tile), 3 * 64 pixels (3 tiles).
        assertArrayEquals(new long[] {1, 3, 2}, new ConvCuda().grid(k).blocks(Map.of("B", 3L)));
    }

    @Test
    void rowKernelsTakeABlockPerRowSizedToShortRows() {
        Buf x = Buf.input("x", f32(B, Dim.of(10)));
        Buf y = Buf.output("y", f32(B, Dim.of(10)));
        Grid g = new SoftmaxCuda().grid(new Kernel.Softmax(y, x, 1, 1, false));
        assertArrayEquals(new long[] {7, 1, 1}, g.blocks(Map.of("B", 7L)));
        assertEquals(32, g.threads());
        assertEquals(256, RowBlock.threads(Dim.of(3072)));
        assertEquals(96, RowBlock.threads(Dim.of(70)));
        assertEquals(256, RowBlock.threads(B));
    }

    @Test
    void aGridBeyondCudasLimitsIsRefusedWithTheSizes() {
        Grid g = new Grid(List.of(Dim.of(64), B, Dim.of(1)), List.of(64, 1, 1), 256);
        var e = assertThrows(IllegalArgumentException.class, () -> g.blocks(Map.of("B", 70_000L)));
        assertTrue(e.getMessage().contains("1 x 70000 x 1"), e.getMessage());
    }

    @Test
    void kernelsWithNothingToDoAreNotLaunched() {
        var launches = List.of(Grid.perElement(B).launch("nnc_k0"), Grid.perElement(Dim.of(5)).launch("nnc_k1"));
        LaunchPlan empty = LaunchPlan.of(launches, Map.of("B", 0L));
        assertEquals(List.of("nnc_k1"), empty.steps().stream().map(LaunchPlan.Step::symbol).toList());
        assertEquals(1, empty.steps().getFirst().kernel());
        assertEquals(2, LaunchPlan.of(launches, Map.of("B", 2L)).steps().size());
    }

    @Test
    void theContextBlockPutsEachPointerAndSymbolInItsSlot() {
        Buf x = Buf.input("x", f32(B, Dim.of(4)));
        Buf w = Buf.weight("w", f32(Dim.of(4)));
        Buf y = Buf.output("y", f32(B, Dim.of(4)));
        KernelProgram p = new KernelProgram("m", List.of(x), List.of(w), List.of(y), Dim.of(0),
                List.of(new Kernel.Elementwise(y, List.of(x, w), new Expr.Binary(Expr.BinaryFn.ADD, new Expr.In(0), new Expr.In(1)))));
        ModuleLayout layout = new ModuleLayout(p);
        ContextBlock c = new ContextBlock(1, 1, 1, 1);
        c.arena(0x1000);
        c.symbols(new long[] {7});
        c.input(0, 0x2000);
        c.output(0, 0x3000);
        c.weight(0, 0x4000);
        long[] slots = c.slots();
        assertEquals(layout.slotCount() * 8, c.bytes());
        assertEquals(0x1000, slots[0]);
        assertEquals(7, slots[layout.symbolSlot("B")]);
        assertEquals(0x2000, slots[layout.inputSlot(0)]);
        assertEquals(0x3000, slots[layout.outputSlot(0)]);
        assertEquals(0x4000, slots[layout.weightSlot(0)]);
        assertThrows(IllegalArgumentException.class, () -> c.symbols(new long[] {1, 2}));
    }

    @Test
    void targetsAreCheckedAndSm80HasBf16TensorCores() {
        assertTrue(new CudaTarget("sm_80").hasBf16TensorCores());
        assertTrue(!new CudaTarget("sm_75").hasBf16TensorCores());
        var e = assertThrows(IllegalArgumentException.class, () -> new CudaTarget("sm_70"));
        assertTrue(e.getMessage().contains("sm_80"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorCoreGemm.grid(100, 64, 16));
        assertArrayEquals(new long[] {64, 64, 1}, TensorCoreGemm.grid(4096, 4096, 4096));
    }
}
