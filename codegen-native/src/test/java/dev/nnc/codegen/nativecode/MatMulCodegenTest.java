package dev.nnc.codegen.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.ir.kernel.KernelParser;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Native matmuls against the JVM backend. Each program holds several matmuls (one LLVM compile
 * per program): odd sizes around the vector width (16) and the register tile (8 x 48), every
 * transpose combination (a transposed A with many rows is packed), B a weight (packed at load)
 * or an activation (read in place for a few rows, else packed per unit), k slices, bias and relu
 * in registers, other epilogues on finished rows, batches folded, broadcast or not, symbolic
 * sizes.
 */
class MatMulCodegenTest {
    private static final int[] ODD = {1, 3, 15, 16, 17, 33, 100};

    /** One matmul of a test program; dims are kernel-IR dim text ("17", "B"). */
    record Case(List<String> batchA, List<String> batchB, String m, String n, String k, boolean transA, boolean transB,
                boolean weightB, boolean bias, boolean relu) {

        static Case of(int m, int n, int k, boolean transA, boolean transB, boolean weightB, boolean bias, boolean relu) {
            return new Case(List.of(), List.of(), "" + m, "" + n, "" + k, transA, transB, weightB, bias, relu);
        }

        String line(int i, List<String> decls) {
            String a = type(batchA, transA ? k : m, transA ? m : k);
            String b = type(batchB, transB ? n : k, transB ? k : n);
            List<String> batch = batchA.size() >= batchB.size() ? batchA : batchB;
            String out = type(batch, m, n);
            decls.add("input a" + i + " : " + a);
            decls.add((weightB ? "weight b" : "input b") + i + " : " + b);
            if (bias) decls.add("weight bias" + i + " : f32[" + n + "]");
            decls.add("output y" + i + " : " + out);
            return "matmul(in:a" + i + " : " + a + ", " + (weightB ? "w" : "in") + ":b" + i + " : " + b
                    + (bias ? ", w:bias" + i + " : f32[" + n + "]" : "") + ") -> out:y" + i + " : " + out
                    + " {transA=" + transA + ", transB=" + transB + "}" + (relu ? " epilogue() = relu(%0)" : "");
        }

        private static String type(List<String> batch, String rows, String cols) {
            List<String> dims = new ArrayList<>(batch);
            dims.add(rows);
            dims.add(cols);
            return "f32[" + String.join(",", dims) + "]";
        }
    }

    static String program(List<Case> cases) {
        List<String> decls = new ArrayList<>(), lines = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) lines.add(cases.get(i).line(i, decls));
        return "kernels MatMuls {\n  " + String.join("\n  ", decls) + "\n  arena 0\n  " + String.join("\n  ", lines) + "\n}\n";
    }

    static void check(List<Case> cases, int... batches) {
        String kir = program(cases);
        for (int batch : batches) Differential.check(kir, batch, batch * 31L + cases.size());
    }

    @Test
    void oddSizesWithEveryTransposeAndB() {
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean weightB : new boolean[] {true, false}) {
                    List<Case> cases = new ArrayList<>();
                    for (int i = 0; i < ODD.length; i++) {
                        int m = ODD[i], n = ODD[(i + 2) % ODD.length], k = ODD[(i + 5) % ODD.length];
                        cases.add(Case.of(m, n, k, transA, transB, weightB, i % 2 == 0, i % 3 == 0));
                        cases.add(Case.of(m, m, m, transA, transB, weightB, i % 2 == 1, i % 3 == 1));
                    }
                    check(cases, 1);
                }
            }
        }
    }

    @Test
    void biasAndReluInEveryCombination() {
        List<Case> cases = new ArrayList<>();
        for (boolean bias : new boolean[] {false, true}) {
            for (boolean relu : new boolean[] {false, true}) {
                cases.add(Case.of(17, 33, 15, false, false, true, bias, relu));
                cases.add(Case.of(3, 100, 17, false, true, false, bias, relu));
            }
        }
        check(cases, 1);
    }

    /** Several row blocks (64) and column blocks (192), k slices of B packed on the stack (256), tall and wide shapes. */
    @Test
    void manyBlocksAndKSlices() {
        List<Case> cases = List.of(
                Case.of(130, 200, 40, false, false, true, true, true),
                Case.of(70, 400, 600, false, true, false, true, true),
                Case.of(65, 250, 513, true, true, false, false, false),
                Case.of(1, 1000, 784, false, true, true, true, false),
                Case.of(2, 10, 784, false, true, true, true, false),
                Case.of(200, 1, 300, false, false, false, false, true));
        check(cases, 1);
    }

    /**
     * Weights deeper than an L2-sized panel (k > 5461) are sliced along k, 1024 deep; the slices
     * add up in C, and bias and relu apply on the first and last slice only. The sums have a
     * standard deviation of about 0.25·sqrt(k) ≈ 20 (Gaussian operands of sd 0.5), so two
     * summation orders differ by up to ~1e-4 absolute: the tolerance is 1e-4·|x| + 5e-4.
     */
    @Test
    void deepWeightsInSlices() {
        List<Case> cases = List.of(
                Case.of(33, 70, 6000, false, true, true, true, true),
                Case.of(1, 17, 7169, false, true, true, false, true),
                Case.of(9, 49, 5462, false, false, true, true, false),
                Case.of(20, 5, 5461, false, true, true, true, true));
        for (int batch : new int[] {1, 2}) Differential.check(KernelParser.parse(program(cases)), batch, 77 + batch, 1e-4, 5e-4);
    }

    @Test
    void square256() {
        check(List.of(Case.of(256, 256, 256, false, false, true, true, false),
                Case.of(256, 256, 256, false, true, false, false, true)), 1);
    }

    /** [B,S,K] times a 2-d weight: the batch folds into the rows, except when A is transposed. */
    @Test
    void batchTimesWeight() {
        List<Case> cases = new ArrayList<>();
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                cases.add(new Case(List.of("B"), List.of(), "7", "33", "17", transA, transB, true, true, false));
                cases.add(new Case(List.of("B", "3"), List.of(), "5", "20", "9", transA, transB, true, false, true));
            }
        }
        check(cases, 1, 3);
    }

    /** Attention-like products of two batched activations, and a 2-d operand broadcast against a batched one. */
    @Test
    void batchedOperands() {
        List<String> bh = List.of("B", "4");
        List<Case> cases = List.of(
                new Case(bh, bh, "10", "10", "16", false, true, false, false, false),
                new Case(bh, bh, "10", "16", "10", false, false, false, false, false),
                new Case(bh, bh, "9", "17", "5", true, false, false, true, true),
                new Case(bh, bh, "9", "17", "5", true, true, false, false, false),
                new Case(List.of(), List.of("B"), "6", "35", "12", false, false, false, true, false),
                new Case(List.of(), List.of("B", "2"), "6", "35", "12", true, true, false, false, false),
                new Case(List.of("B"), List.of(), "6", "35", "12", false, false, false, false, false));
        check(cases, 1, 3);
    }

    /** The batch symbol as the rows (batch-1 inference is matrix-vector), or as the inner dim. */
    @Test
    void symbolicSizes() {
        List<Case> cases = new ArrayList<>();
        for (boolean transB : new boolean[] {false, true}) {
            for (boolean weightB : new boolean[] {false, true}) {
                cases.add(new Case(List.of(), List.of(), "B", "50", "33", false, transB, weightB, true, true));
                cases.add(new Case(List.of("4"), List.of(), "B", "3", "8", false, transB, weightB, false, false));
            }
            cases.add(new Case(List.of(), List.of(), "40", "17", "B", true, transB, false, true, false));
            cases.add(new Case(List.of(), List.of(), "B", "B", "18", false, transB, false, false, true));
        }
        check(cases, 1, 3);
    }

    /** Epilogues other than relu run over each unit's finished rows: residual inputs, broadcast operands, functions. */
    @Test
    void epiloguesOnFinishedRows() {
        String kir = """
                kernels Epilogues {
                  input x : f32[B,33]
                  input r : f32[B,100]
                  input h : f32[B,130,40]
                  input q : f32[B,4,10,16]
                  input k : f32[B,4,16,10]
                  input t : f32[130,300]
                  input u : f32[200,300]
                  weight fc : f32[100,33]
                  weight fc.bias : f32[100]
                  weight w : f32[40,200]
                  weight scale : f32[10]
                  weight zb : f32[200]
                  output y : f32[B,100]
                  output g : f32[B,130,200]
                  output s : f32[B,4,10,10]
                  output z : f32[130,200]
                  arena 0
                  matmul(in:x : f32[B,33], w:fc : f32[100,33], w:fc.bias : f32[100]) -> out:y : f32[B,100] {transA=false, transB=true} epilogue(in:r : f32[B,100]) = relu(add(%0, %1))
                  matmul(in:h : f32[B,130,40], w:w : f32[40,200]) -> out:g : f32[B,130,200] {transA=false, transB=false} epilogue() = gelu(%0)
                  matmul(in:q : f32[B,4,10,16], in:k : f32[B,4,16,10]) -> out:s : f32[B,4,10,10] {transA=false, transB=false} epilogue(w:scale : f32[10]) = mul(%0, %1)
                  matmul(in:t : f32[130,300], in:u : f32[200,300], w:zb : f32[200]) -> out:z : f32[130,200] {transA=false, transB=true} epilogue() = sigmoid(%0)
                }
                """;
        for (int batch : new int[] {1, 3}) Differential.check(kir, batch, batch);
    }

    /**
     * Batch dims that broadcast one by one ([2,1] against [1,3]), which the JVM backend does not
     * do: checked against a plain triple loop.
     */
    @Test
    void batchDimsBroadcastOneByOne() {
        String kir = """
                kernels Broadcast {
                  input a : f32[2,1,5,7]
                  input b : f32[1,3,9,7]
                  output y : f32[2,3,5,9]
                  arena 0
                  matmul(in:a : f32[2,1,5,7], in:b : f32[1,3,9,7]) -> out:y : f32[2,3,5,9] {transA=false, transB=true}
                }
                """;
        KernelProgram p = KernelParser.parse(kir);
        Random rng = new Random(5);
        Tensor a = Differential.random(p.inputs().get(0), Map.of(), rng, 0), b = Differential.random(p.inputs().get(1), Map.of(), rng, 0);
        Tensor y;
        try (NativeModel m = NativeBackend.load(p, Map.of())) {
            y = m.run(Map.of("a", a, "b", b)).get("y");
        }
        for (int i = 0; i < 2; i++) {
            for (int h = 0; h < 3; h++) {
                for (int r = 0; r < 5; r++) {
                    for (int c = 0; c < 9; c++) {
                        double sum = 0;
                        for (int q = 0; q < 7; q++) sum += a.getDouble((i * 5 + r) * 7 + q) * b.getDouble((h * 9 + c) * 7 + q);
                        double got = y.getDouble(((i * 3 + h) * 5 + r) * 9 + c);
                        assertEquals(sum, got, Differential.REL * Math.abs(sum) + Differential.ABS,
                                "y[" + i + "," + h + "," + r + "," + c + "]");
                    }
                }
            }
        }
    }
}
