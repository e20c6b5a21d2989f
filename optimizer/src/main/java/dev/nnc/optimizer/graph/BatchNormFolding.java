package dev.nnc.optimizer.graph;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.optimizer.GraphPass;
import dev.nnc.runtime.DType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds an inference batch norm into the convolution feeding it:
 * {@code batch_norm(conv2d(x, w, b), gamma, beta, mean, var) {eps}} becomes
 * {@code conv2d(x, w * reshape(scale, [O,1,1,1]), (b - mean) * scale + beta)} with
 * {@code scale = gamma * rsqrt(var + eps)} (without a bias: {@code beta - mean * scale}).
 * Batch norm normalizes channel axis 1, which is the convolution's output channel O, so
 * scaling output channel o of the weight by scale[o] is the same map.
 *
 * <p>The new weight and bias are ordinary graph ops over the batch norm's and convolution's
 * operands; with parameters they depend on weights only, and the kernel pipeline runs them
 * once at load time. Applies only when the convolution's result has no other use and is not
 * an output (otherwise the unnormalized value is still needed), and only to f32: the folded
 * form rounds scale, weight and bias to the element type, which f16 and bf16 would make
 * visibly less accurate than the one rounding batch norm does. Results agree with the
 * unfolded graph to about 1e-6 relative, not bit for bit. Batch norms after matmul are left
 * alone.
 */
public final class BatchNormFolding implements GraphPass {
    @Override public String name() { return "fold-batch-norm"; }

    @Override public String description() { return "fold inference batch norms into the preceding conv2d's weight and bias"; }

    @Override public Graph run(Graph in) {
        Map<Integer, Node> byValue = new HashMap<>();
        Map<Integer, Integer> uses = new HashMap<>();
        for (Node n : in.nodes()) {
            byValue.put(n.result().id(), n);
            for (Value v : n.operands()) uses.merge(v.id(), 1, Integer::sum);
        }
        for (Graph.Output o : in.outputs()) uses.merge(o.value().id(), 1, Integer::sum);

        Set<Integer> foldedConvs = new HashSet<>();
        for (Node n : in.nodes()) {
            if (n.op() != Op.BATCH_NORM || n.type().dtype() != DType.F32) continue;
            Node conv = byValue.get(n.operand(0).id());
            if (conv.op() == Op.CONV2D && uses.get(conv.result().id()) == 1) foldedConvs.add(conv.result().id());
        }
        if (foldedConvs.isEmpty()) return in;

        Rewriter out = new Rewriter(in);
        for (Node n : in.nodes()) {
            if (foldedConvs.contains(n.result().id())) continue; // emitted where its batch norm was
            if (n.op() == Op.BATCH_NORM && foldedConvs.contains(n.operand(0).id())) {
                out.replace(n, fold(byValue.get(n.operand(0).id()), n, out));
            } else {
                out.copy(n);
            }
        }
        return out.finish();
    }

    /**
     * The folded convolution, emitted at the batch norm's place: every operand of both nodes
     * is defined by then, while the batch norm's parameters may come after the convolution.
     */
    private static Value fold(Node conv, Node bn, Rewriter out) {
        Value x = out.map(conv.operand(0)), w = out.map(conv.operand(1));
        Value gamma = out.map(bn.operand(1)), beta = out.map(bn.operand(2));
        Value mean = out.map(bn.operand(3)), var = out.map(bn.operand(4));
        TensorType scalar = new TensorType(w.type().dtype(), Shape.SCALAR);
        Value eps = out.declare(Op.CONSTANT, scalar, Attrs.of("value", bn.attrs().getFloat("eps")));

        Value scale = binary(out, Op.MUL, gamma, out.emit(Op.RSQRT, List.of(binary(out, Op.ADD, var, eps)), Attrs.NONE));
        Dim one = Dim.of(1);
        Value perChannel = out.emit(Op.RESHAPE, List.of(scale),
                Attrs.of("shape", List.of(w.type().shape().dim(0), one, one, one)));
        Value weight = binary(out, Op.MUL, w, perChannel);
        Value bias = conv.operands().size() > 2
                ? binary(out, Op.ADD, binary(out, Op.MUL, binary(out, Op.SUB, out.map(conv.operand(2)), mean), scale), beta)
                : binary(out, Op.SUB, beta, binary(out, Op.MUL, mean, scale));
        return out.emit(Op.CONV2D, List.of(x, weight, bias), conv.attrs());
    }

    private static Value binary(Rewriter out, Op op, Value a, Value b) {
        return out.emit(op, List.of(a, b), Attrs.NONE);
    }
}
