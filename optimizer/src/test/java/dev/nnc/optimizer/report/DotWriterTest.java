package dev.nnc.optimizer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.IrParser;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import org.junit.jupiter.api.Test;

/** Kernel titles, edges along storage (also when memory planning reuses it) and the prepare cluster. */
class DotWriterTest {

    static String title(String kernel) { return KernelDescription.of(KernelParser.parseKernel(kernel)).title(); }

    @Test
    void titlesSayWhatAKernelFuses() {
        assertEquals("conv2d 3×3 + relu", title("conv2d(in:x : f32[1,2,5,5], w:w : f32[4,2,3,3]) -> out:y : f32[1,4,3,3] "
                + "{stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)"));
        assertEquals("matmul ᵀ + bias + relu", title("matmul(in:x : f32[2,8], w:w : f32[4,8], w:b : f32[4]) -> out:y : f32[2,4] "
                + "{transA=false, transB=true} epilogue() = relu(%0)"));
        assertEquals("matmul + add(x, y)", title("matmul(in:x : f32[2,8], w:w : f32[8,4]) -> out:y : f32[2,4] "
                + "{transA=false, transB=false} epilogue(in:r : f32[2,4]) = add(%0, %1)"));
        assertEquals("elementwise: relu(add(x, y))",
                title("elementwise(in:a : f32[4], in:b : f32[4]) -> out:y : f32[4] = relu(add(%0, %1))"));
        assertEquals("elementwise: mul(x, 0.5)", title("elementwise(in:a : f32[4]) -> out:y : f32[4] = mul(%0, 0.5)"));
        assertEquals("copy", title("elementwise(in:a : f32[4]) -> out:y : f32[4] = %0"));
        assertEquals("max_pool 2×2", title("max_pool2d(in:x : f32[1,1,4,4]) -> out:y : f32[1,1,2,2] "
                + "{kernel=[2,2], stride=[2,2], padding=[0,0,0,0], countIncludePad=false, layout=nchw}"));
    }

    @Test
    void fusedScalesAndResidualsAreNamed() {
        TensorType t = IrParser.parseType("f32[2,4,8]");
        Buf x = Buf.input("x", t), r = Buf.input("r", t), y = Buf.output("y", t);
        Buf g = Buf.weight("g", IrParser.parseType("f32[8]")), b = Buf.weight("b", IrParser.parseType("f32[8]"));
        assertEquals("scale 0.125 + softmax (axis 2)", KernelDescription.of(new Kernel.Softmax(y, x, 2, 0.125, false)).title());
        assertEquals("softmax (axis 2)", KernelDescription.of(new Kernel.Softmax(y, x, 2, 1, false)).title());
        assertEquals("add residual + layer_norm (axis 2)",
                KernelDescription.of(new Kernel.LayerNorm(y, x, g, b, r, 2, 1e-5)).title());
        assertEquals(2 * 64, FlopCounter.count(new Kernel.Softmax(y, x, 2, 0.125, false), 1));
        assertEquals(64, FlopCounter.count(new Kernel.LayerNorm(y, x, g, b, null, 2, 1e-5), 1));
        assertEquals(2 * 64, FlopCounter.count(new Kernel.LayerNorm(y, x, g, b, r, 2, 1e-5), 1));
    }

    @Test
    void fusedKernelsListTheirSteps() {
        KernelDescription d = KernelDescription.of(KernelParser.parseKernel(
                "elementwise(in:a : f32[4], in:b : f32[4]) -> out:y : f32[4] = relu(add(%0, %1))"));
        assertEquals(java.util.List.of("add(x, y)", "relu(add(x, y))"), d.steps());
    }

    static final String PLANNED = """
            kernels Planned {
              input x : f32[B,4]
              weight w : f32[4,4]
              weight s : f32[4]
              derived ws : f32[4,4]
              output y : f32[B,4]
              arena B*8
              prepare elementwise(w:w : f32[4,4], w:s : f32[4]) -> w:ws : f32[4,4] = mul(%0, %1)
              matmul(in:x : f32[B,4], w:ws : f32[4,4]) -> arena:t0@0 : f32[B,4] {transA=false, transB=false} epilogue() = relu(%0)
              elementwise(arena:t0@0 : f32[B,4]) -> arena:t1@B*4 : f32[B,4] = neg(%0)
              elementwise(arena:t1@B*4 : f32[B,4]) -> arena:t2@0 : f32[B,4] = exp(%0)
              elementwise(arena:t2@0 : f32[B,4], arena:t1@B*4 : f32[B,4]) -> out:y : f32[B,4] = add(%0, %1)
            }
            """;

    @Test
    void edgesFollowStorageAndPrepareKernelsAreClustered() {
        KernelProgram p = KernelParser.parse(PLANNED);
        String dot = DotWriter.write(p);
        assertTrue(dot.startsWith("digraph \"Planned\" {"), dot);
        assertTrue(dot.contains("subgraph cluster_prepare {"), dot);
        assertTrue(dot.contains("p0 -> k0 [label=\"f32[4,4]\"]"), "derived weight edge:\n" + dot);
        assertTrue(dot.contains("in0 -> k0 [label=\"f32[B,4]\"]"), dot);
        assertTrue(dot.contains("k0 -> k1 ["), dot);
        assertTrue(dot.contains("k1 -> k2 ["), dot);
        // t2 reuses t0's slot: the last kernel reads it from k2, not k0.
        assertTrue(dot.contains("k2 -> k3 [") && dot.contains("k1 -> k3 ["), dot);
        assertFalse(dot.contains("k0 -> k3"), dot);
        assertTrue(dot.contains("k3 -> out0 ["), dot);
        assertTrue(dot.contains("w f32[4,4]"), "raw weights are listed in their kernel's label:\n" + dot);
        assertBalanced(dot);
    }

    @Test
    void labelsAreEscaped() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", DotWriter.html("a <b> & \"c\""));
        assertEquals("\"x\\\"y\\\\z\\n\"", DotWriter.quote("x\"y\\z\n"));
    }

    static void assertBalanced(String dot) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < dot.length(); i++) {
            char c = dot.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') inString = !inString;
            else if (!inString && c == '{') depth++;
            else if (!inString && c == '}') depth--;
            assertTrue(depth >= 0, "unbalanced at " + i);
        }
        assertEquals(0, depth);
        assertFalse(inString);
    }
}
