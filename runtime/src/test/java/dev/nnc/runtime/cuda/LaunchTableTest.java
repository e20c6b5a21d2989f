package dev.nnc.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launch table a generated CUDA class carries: written and read back, and the grids it gives for a call's sizes. */
class LaunchTableTest {
    private static final LaunchTable TABLE = new LaunchTable("sm_90", "B*(S+1)*64",
            List.of(new KernelLaunch("nnc_p0", 256, List.of("640"), List.of(256))),
            List.of(new KernelLaunch("nnc_k0", 256, List.of("B*S*64"), List.of(256)),
                    new KernelLaunch("nnc_k1", 32, List.of("B*S"), List.of(1)),
                    new KernelLaunch("nnc_k2", 256, List.of("64", "B", "S"), List.of(64, 1, 1))));

    @Test
    void aTableReadsBackAsWritten() {
        LaunchTable back = LaunchTable.parse(TABLE.text());
        assertEquals(TABLE, back);
        assertEquals(90, back.sm());
        assertEquals(List.of("nnc_p0", "nnc_k0", "nnc_k1", "nnc_k2"), back.symbols());
        assertTrue(TABLE.text().contains("kernel nnc_k2 256 64 64 B 1 S 1"), TABLE.text());
    }

    @Test
    void gridsAreEvaluatedForTheCallsSizes() {
        Map<String, Long> sizes = Map.of("B", 3L, "S", 5L);
        assertArrayEquals(new long[] {4, 1, 1}, TABLE.kernels().get(0).blocks(sizes));   // 960 elements / 256
        assertArrayEquals(new long[] {15, 1, 1}, TABLE.kernels().get(1).blocks(sizes));
        assertArrayEquals(new long[] {1, 3, 5}, TABLE.kernels().get(2).blocks(sizes));
        LaunchPlan none = LaunchPlan.of(TABLE.kernels(), Map.of("B", 0L, "S", 5L));
        assertEquals(List.of(), none.steps(), "no work, no launch");
        var e = assertThrows(IllegalArgumentException.class, () -> TABLE.kernels().get(2).blocks(Map.of("B", 70_000L, "S", 1L)));
        assertTrue(e.getMessage().contains("1 x 70000 x 1"), e.getMessage());
    }

    @Test
    void malformedTablesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LaunchTable.parse("gpu sm_80\nkernel nnc_k0 256 B"));
        assertThrows(IllegalArgumentException.class, () -> LaunchTable.parse("kernel nnc_k0 256 B 256"));
        assertThrows(IllegalArgumentException.class, () -> LaunchTable.parse("gpu sm_80\narena 0\nworkspace 12"));
        assertThrows(IllegalArgumentException.class, () -> new KernelLaunch("k", 100, List.of("B"), List.of(1)));
    }

    @Test
    void theContextBlockHoldsArenaSymbolsInputsOutputsThenWeights() {
        ContextBlock c = new ContextBlock(2, 1, 2, 3);
        c.arena(10);
        c.symbols(new long[] {3, 5});
        c.input(0, 20);
        c.output(1, 31);
        c.weight(2, 42);
        assertArrayEquals(new long[] {10, 3, 5, 20, 0, 31, 0, 0, 42}, c.slots());
        assertEquals(72, c.bytes());
    }
}
