package dev.nnc.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.ir.interp.Interpreter;
import dev.nnc.ir.kernel.Lowering;
import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random graphs — chains of elementwise ops with broadcasting, matmuls (plain and with
 * transposed weights), convolutions, pooling, normalizations, reductions, softmax, data
 * movement — on odd sizes that are not multiples of the vector width, run by the generated
 * bytecode and by the reference interpreter. Tolerance: |jvm - interp| <= 1e-4 * |interp| + 1e-4
 * (f32 kernels against double accumulation). A failing case prints its seed and graph.
 */
public class RandomGraphTest {
    static final int CASES = 150;

    @TestFactory
    Stream<DynamicTest> generatedCodeMatchesTheInterpreter() {
        return IntStream.range(0, CASES).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> check(seed)));
    }

    static void check(long seed) {
        Random rng = new Random(seed);
        Generator gen = new Generator(rng);
        Graph g = gen.build();
        Map<String, Tensor> inputs = new HashMap<>(), weights = new HashMap<>();
        int batch = 1 + rng.nextInt(3);
        Map<String, Long> bindings = Map.of("B", (long) batch);
        for (var n : g.nodes()) {
            int[] shape = n.type().shape().eval(bindings);
            if (n.op() == Op.INPUT) inputs.put(n.attrs().getString("name"), random(shape, rng));
            if (n.op() == Op.PARAM) weights.put(n.attrs().getString("name"), random(shape, rng));
        }
        String text = IrPrinter.print(g);
        Tensor expected = Interpreter.run(g, inputs, weights).get("output");
        CompiledModel model = ModelLoader.instantiate(JvmBackend.compile(verified(Lowering.lower(g)), "R" + seed), weights);
        Tensor actual = model.run(inputs).get("output");
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape, graph:\n" + text);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            int index = i;
            assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-4 || (Double.isNaN(e) && Double.isNaN(a)),
                    () -> "element " + index + ": interpreter " + e + ", jvm " + a + "\ngraph:\n" + text);
        }
    }

    public static Tensor random(int[] shape, Random rng) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float) (rng.nextGaussian() * 0.5);
        return Tensor.ofFloats(DType.F32, shape, data);
    }

    /** Builds one random graph: an input, 2 to 7 random steps, one output. Public: the native backend's suite runs the same graphs. */
    public static final class Generator {
        final Random rng;
        final GraphBuilder b = new GraphBuilder("Random");
        int params;

        public Generator(Random rng) { this.rng = rng; }

        public Graph build() {
            int rank = 2 + rng.nextInt(3);
            List<Dim> dims = new ArrayList<>();
            dims.add(Dim.sym("B"));
            for (int i = 1; i < rank; i++) dims.add(Dim.of(odd()));
            Value v = b.input("x", new TensorType(DType.F32, new Shape(dims)));
            int steps = 2 + rng.nextInt(6);
            for (int i = 0; i < steps; i++) v = step(v);
            b.output("output", v);
            return b.build();
        }

        int odd() { return 1 + rng.nextInt(19); }

        Value param(List<Dim> dims) {
            return b.param("p" + params++, new TensorType(DType.F32, new Shape(dims)), "zeros");
        }

        Value step(Value v) {
            List<Dim> dims = v.type().shape().dims();
            int rank = dims.size();
            return switch (rng.nextInt(12)) {
                case 0, 1 -> b.add(pick(Op.RELU, Op.SIGMOID, Op.TANH, Op.NEG, Op.ABS, Op.ERF), v);
                case 2 -> b.add(Op.GELU, List.of(v), Attrs.of("approximate", rng.nextBoolean() ? "none" : "tanh"));
                case 3, 4 -> broadcastBinary(v, dims);
                case 5 -> matmul(v, dims);
                case 6 -> b.add(rng.nextBoolean() ? Op.SOFTMAX : Op.LOG_SOFTMAX, List.of(v), Attrs.of("axis", (long) (1 + rng.nextInt(rank - 1))));
                case 7 -> b.add(Op.LAYER_NORM, List.of(v, param(dims.subList(rank - 1, rank)), param(dims.subList(rank - 1, rank))),
                        Attrs.of("axis", -1L, "eps", 1e-5));
                case 8 -> rank > 2 ? reduce(v, rank) : b.add(Op.EXP, b.add(Op.NEG, b.add(Op.ABS, v)));
                case 9 -> rank == 4 ? conv(v, dims) : b.add(Op.SQRT, b.add(Op.ABS, v));
                case 10 -> rank == 4 ? pool(v, dims) : transpose(v, rank);
                default -> rank >= 2 ? batchNorm(v, dims) : v;
            };
        }

        Op pick(Op... ops) { return ops[rng.nextInt(ops.length)]; }

        /** v op p, p of v's trailing dims with some set to 1 (and sometimes the other way round). */
        Value broadcastBinary(Value v, List<Dim> dims) {
            int keep = 1 + rng.nextInt(dims.size());
            List<Dim> pd = new ArrayList<>();
            for (Dim d : dims.subList(dims.size() - keep, dims.size())) pd.add(d.isKnown() && rng.nextInt(3) > 0 ? d : Dim.of(1));
            Value p = param(pd);
            Op op = pick(Op.ADD, Op.SUB, Op.MUL, Op.MAXIMUM, Op.MINIMUM);
            return rng.nextBoolean() ? b.add(op, v, p) : b.add(op, p, v);
        }

        Value matmul(Value v, List<Dim> dims) {
            Dim k = dims.getLast();
            long n = odd() + 16L * rng.nextInt(2);
            if (rng.nextBoolean()) return b.add(Op.MATMUL, v, param(List.of(k, Dim.of(n))));
            Value w = param(List.of(Dim.of(n), k));
            return b.add(Op.MATMUL, v, b.add(Op.TRANSPOSE, List.of(w), Attrs.of("perm", List.of(1L, 0L))));
        }

        Value reduce(Value v, int rank) {
            int axis = 1 + rng.nextInt(rank - 1);
            Op op = pick(Op.REDUCE_SUM, Op.REDUCE_MEAN, Op.REDUCE_MAX);
            return b.add(op, List.of(v), Attrs.of("axes", List.of((long) axis), "keepdims", rng.nextBoolean()));
        }

        Value transpose(Value v, int rank) {
            List<Long> perm = new ArrayList<>();
            perm.add(0L);
            List<Long> rest = new ArrayList<>();
            for (long i = 1; i < rank; i++) rest.add(i);
            java.util.Collections.shuffle(rest, rng);
            perm.addAll(rest);
            return b.add(Op.TRANSPOSE, List.of(v), Attrs.of("perm", perm));
        }

        Value conv(Value v, List<Dim> dims) {
            long c = dims.get(1).known().getAsLong(), h = dims.get(2).known().getAsLong(), w = dims.get(3).known().getAsLong();
            long k = 1 + rng.nextInt(3), stride = 1 + rng.nextInt(2), dil = rng.nextInt(4) == 0 ? 2 : 1;
            long pad = rng.nextInt((int) k);
            if (h + 2 * pad < dil * (k - 1) + 1 || w + 2 * pad < dil * (k - 1) + 1) return b.add(Op.RELU, v);
            long groups = c % 2 == 0 && rng.nextBoolean() ? 2 : 1;
            long out = groups * (1 + rng.nextInt(9));
            Value weight = param(List.of(Dim.of(out), Dim.of(c / groups), Dim.of(k), Dim.of(k)));
            List<Value> ops = rng.nextBoolean() ? List.of(v, weight, param(List.of(Dim.of(out)))) : List.of(v, weight);
            return b.add(Op.CONV2D, ops, Attrs.of("stride", List.of(stride, stride), "padding", List.of(pad, pad, pad, pad),
                    "dilation", List.of(dil, dil), "groups", groups));
        }

        Value pool(Value v, List<Dim> dims) {
            long h = dims.get(2).known().getAsLong(), w = dims.get(3).known().getAsLong();
            long k = Math.min(Math.min(h, w), 1 + rng.nextInt(3));
            long stride = 1 + rng.nextInt(2), pad = rng.nextInt((int) (k / 2 + 1));
            boolean max = rng.nextBoolean();
            Attrs attrs = max ? Attrs.of("kernel", List.of(k, k), "stride", List.of(stride, stride), "padding", List.of(pad, pad, pad, pad))
                    : Attrs.of("kernel", List.of(k, k), "stride", List.of(stride, stride), "padding", List.of(pad, pad, pad, pad),
                            "count_include_pad", rng.nextBoolean());
            return b.add(max ? Op.MAX_POOL2D : Op.AVG_POOL2D, List.of(v), attrs);
        }

        Value batchNorm(Value v, List<Dim> dims) {
            List<Dim> c = List.of(dims.get(1));
            Value var = b.add(Op.ADD, b.add(Op.ABS, param(c)), b.constant(0.5, DType.F32));
            return b.add(Op.BATCH_NORM, List.of(v, param(c), param(c), param(c), var), Attrs.of("eps", 1e-5));
        }
    }

    /** The verifier runs on every lowered program. */
    static dev.nnc.ir.kernel.KernelProgram verified(dev.nnc.ir.kernel.KernelProgram p) {
        dev.nnc.ir.kernel.KernelVerifier.verify(p);
        return p;
    }
}
