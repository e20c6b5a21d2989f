package dev.nnc.optimizer.kernel;

import static dev.nnc.optimizer.kernel.KernelPassTesting.ABS;
import static dev.nnc.optimizer.kernel.KernelPassTesting.REL;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertSameOutputs;
import static dev.nnc.optimizer.kernel.KernelPassTesting.assertUnchanged;
import static dev.nnc.optimizer.kernel.KernelPassTesting.example;
import static dev.nnc.optimizer.kernel.KernelPassTesting.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelPrinter;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.optimizer.OptLevel;
import dev.nnc.optimizer.PassManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointwiseConvMatMulTest {
    private final PointwiseConvMatMul pass = new PointwiseConvMatMul();

    private static final String HEAD = """
            kernels K {
              input x : f32[B,5,6,8]
              input r : f32[B,5,6,12]
              weight w : f32[12,8,1,1]
              weight bias : f32[12]
              weight scale : f32[12]
              output y : f32[B,5,6,12]
              arena 0
            """;

    private static String conv(String attrs, String epilogue) {
        return "  conv2d(in:x : f32[B,5,6,8], w:w : f32[12,8,1,1], w:bias : f32[12]"
                + ") -> out:y : f32[B,5,6,12] {" + attrs + ", dilation=[1,1], groups=1, layout=nhwc} epilogue(" + epilogueIns(epilogue).replaceFirst("^, ", "")
                + ") = " + epilogue + "\n}\n";
    }

    private static String epilogueIns(String epilogue) {
        if (epilogue.contains("%2")) return ", in:r : f32[B,5,6,12], w:scale : f32[12]";
        return epilogue.contains("%1") ? ", in:r : f32[B,5,6,12]" : "";
    }

    @Test void aResidualBlockConvolutionBecomesAMatmulOverViews() {
        KernelProgram p = parse(HEAD + conv("stride=[1,1], padding=[0,0,0,0]", "relu(add(mul(%0, %2), %1))"));
        KernelProgram after = pass.run(p);
        Kernel k = after.kernels().getFirst();
        assertTrue(k instanceof Kernel.MatMul, KernelPrinter.print(after));
        assertEquals("matmul(in:x : f32[B,30,8], w:w : f32[12,8], w:bias : f32[12])"
                + " -> out:y : f32[B,30,12] {transA=false, transB=true} epilogue(in:r : f32[B,30,12], w:scale : f32[12])"
                + " = relu(add(mul(%0, %2), %1))", KernelPrinter.print(k));
        assertSameOutputs(p, after, 3, REL, ABS);
    }

    @Test void leavesStridedAndPaddedConvolutionsAlone() {
        String head = HEAD.replace("output y : f32[B,5,6,12]", "output y : f32[B,3,3,12]");
        assertUnchanged(pass, parse(head + conv("stride=[2,2], padding=[0,0,0,0]", "%0").replace("-> out:y : f32[B,5,6,12]", "-> out:y : f32[B,3,3,12]")));
        head = HEAD.replace("output y : f32[B,5,6,12]", "output y : f32[B,7,8,12]");
        assertUnchanged(pass, parse(head + conv("stride=[1,1], padding=[1,1,1,1]", "%0").replace("-> out:y : f32[B,5,6,12]", "-> out:y : f32[B,7,8,12]")));
    }

    /** ResNet-small at -O2: its 1x1 stride-1 convolutions are matmuls and the outputs do not change. */
    @Test void resnetSmall() {
        PassManager o2 = PassManager.forLevel(OptLevel.O2);
        KernelProgram with = o2.run(example("resnet_small")), without = o2.without(List.of(pass.name())).run(example("resnet_small"));
        long convs = without.kernels().stream().filter(k -> k instanceof Kernel.Conv2d).count();
        long left = with.kernels().stream().filter(k -> k instanceof Kernel.Conv2d).count();
        assertTrue(left < convs && left > 0, left + " of " + convs + " convolutions left");
        assertEquals(without.kernels().size(), with.kernels().size());
        assertSameOutputs(without, with, 23, REL, ABS);
    }
}
