package dev.nnc.ir.kernel;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.Dim;
import dev.nnc.ir.Graph;
import dev.nnc.ir.Node;
import dev.nnc.ir.Op;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.Value;
import dev.nnc.ir.kernel.Expr.BinaryFn;
import dev.nnc.ir.kernel.Expr.UnaryFn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers graph IR to kernel IR, one kernel per computing op (fusion, layout and memory
 * planning are the optimizer's kernel passes). Reshapes, flattens and dropouts become views
 * of their input's storage; scalar constants are written into the elementwise expressions
 * that use them; batch norm becomes one elementwise kernel. Graph outputs are written in
 * place by the kernel that computes them. Every other intermediate gets its own arena slot,
 * in order.
 */
public final class Lowering {
    private final Graph graph;
    private final Map<Integer, Buf> bufs = new HashMap<>();
    private final Map<Integer, Double> constants = new HashMap<>();
    private final Map<Integer, List<Node>> users = new HashMap<>();
    private final Map<Integer, Node> producers = new HashMap<>();
    private final Map<Integer, String> outputNames = new HashMap<>();
    private final List<Kernel> kernels = new ArrayList<>();
    private final List<Buf> inputs = new ArrayList<>();
    private final List<Buf> weights = new ArrayList<>();
    private Dim arenaSize = Dim.of(0);
    private int slots;

    private Lowering(Graph graph) { this.graph = graph; }

    public static KernelProgram lower(Graph graph) { return new Lowering(graph).run(); }

    private KernelProgram run() {
        for (Node n : graph.nodes()) {
            for (Value v : n.operands()) users.computeIfAbsent(v.id(), k -> new ArrayList<>()).add(n);
            producers.put(n.result().id(), n);
        }
        for (Graph.Output o : graph.outputs()) outputNames.putIfAbsent(o.value().id(), o.name());
        for (Node n : graph.nodes()) lower(n);
        List<Buf> outputs = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (Graph.Output o : graph.outputs()) {
            Buf target = Buf.output(o.name(), o.value().type());
            Buf produced = bufOf(o.value());
            if (!(produced.space() == Space.OUTPUT && produced.name().equals(o.name()))) {
                // An output that is an input, a weight, a view, or a second name for one value is copied.
                kernels.add(new Kernel.Elementwise(target, List.of(produced), new Expr.In(0)));
            }
            written.add(o.name());
            outputs.add(target);
        }
        return new KernelProgram(graph.name(), inputs, weights, outputs, arenaSize, kernels);
    }

    private void lower(Node n) {
        Attrs a = n.attrs();
        switch (n.op()) {
            case INPUT -> {
                Buf b = Buf.input(a.getString("name"), n.type());
                inputs.add(b);
                bufs.put(n.result().id(), b);
            }
            case PARAM -> {
                Buf b = Buf.weight(a.getString("name"), n.type());
                weights.add(b);
                bufs.put(n.result().id(), b);
            }
            case CONSTANT -> {
                if (n.type().rank() == 0 && !outputNames.containsKey(n.result().id())) {
                    constants.put(n.result().id(), a.getFloat("value"));
                } else {
                    emit(new Kernel.Elementwise(fresh(n), List.of(), new Expr.Const(a.getFloat("value"))));
                }
            }
            case IOTA -> {
                if (!onlyCountsRows(n)) emit(new Kernel.Iota(fresh(n), a.getAxis("axis") < 0 ? a.getAxis("axis") + n.type().rank() : a.getAxis("axis")));
            }
            case NEG -> unary(n, UnaryFn.NEG);
            case ABS -> unary(n, UnaryFn.ABS);
            case RELU -> unary(n, UnaryFn.RELU);
            case SIGMOID -> unary(n, UnaryFn.SIGMOID);
            case TANH -> unary(n, UnaryFn.TANH);
            case GELU -> unary(n, a.getString("approximate").equals("tanh") ? UnaryFn.GELU_TANH : UnaryFn.GELU);
            case ERF -> unary(n, UnaryFn.ERF);
            case EXP -> unary(n, UnaryFn.EXP);
            case LOG -> unary(n, UnaryFn.LOG);
            case SQRT -> unary(n, UnaryFn.SQRT);
            case RSQRT -> unary(n, UnaryFn.RSQRT);
            case CAST -> elementwise(n, List.of(n.operand(0)), ins -> ins.getFirst());
            case DROPOUT, RESHAPE, FLATTEN -> bufs.put(n.result().id(), bufOf(n.operand(0)).view(n.type()));
            case ADD -> binary(n, BinaryFn.ADD);
            case SUB -> binary(n, BinaryFn.SUB);
            case MUL -> binary(n, BinaryFn.MUL);
            case DIV -> binary(n, BinaryFn.DIV);
            case POW -> binary(n, BinaryFn.POW);
            case MAXIMUM -> binary(n, BinaryFn.MAX);
            case MINIMUM -> binary(n, BinaryFn.MIN);
            case MATMUL -> matmul(n);
            case CONV2D -> conv2d(n);
            case MAX_POOL2D -> emit(new Kernel.Pool2d(fresh(n), bufOf(n.operand(0)), Kernel.PoolKind.MAX,
                    ints(a, "kernel"), ints(a, "stride"), ints(a, "padding"), false, Kernel.Layout.NCHW));
            case AVG_POOL2D -> emit(new Kernel.Pool2d(fresh(n), bufOf(n.operand(0)), Kernel.PoolKind.AVG,
                    ints(a, "kernel"), ints(a, "stride"), ints(a, "padding"), a.getBool("count_include_pad"),
                    Kernel.Layout.NCHW));
            case GLOBAL_AVG_POOL -> emit(new Kernel.Reduce(fresh(n), bufOf(n.operand(0)), Kernel.ReduceKind.MEAN, List.of(2, 3)));
            case GLOBAL_MAX_POOL -> emit(new Kernel.Reduce(fresh(n), bufOf(n.operand(0)), Kernel.ReduceKind.MAX, List.of(2, 3)));
            case TRANSPOSE -> emit(new Kernel.Transpose(fresh(n), bufOf(n.operand(0)), ints(a, "perm")));
            case CONCAT -> emit(new Kernel.Concat(fresh(n), n.operands().stream().map(this::bufOf).toList(),
                    axis(a.getAxis("axis"), n.type().rank())));
            case SLICE -> slice(n);
            case GATHER -> {
                int axis = axis(a.getAxis("axis"), n.operand(0).type().rank());
                if (isPrefixGather(n)) {
                    // Rows 0..L-1 in order: a slice (the runtime checks L against the table; see Kernel.Slice).
                    List<Integer> zeros = Collections.nCopies(n.type().rank(), 0);
                    emit(new Kernel.Slice(fresh(n), bufOf(n.operand(0)), zeros, Collections.nCopies(n.type().rank(), 1)));
                } else {
                    emit(new Kernel.Gather(fresh(n), bufOf(n.operand(0)), bufOf(n.operand(1)), axis));
                }
            }
            case REDUCE_SUM -> reduce(n, Kernel.ReduceKind.SUM);
            case REDUCE_MEAN -> reduce(n, Kernel.ReduceKind.MEAN);
            case REDUCE_MAX -> reduce(n, Kernel.ReduceKind.MAX);
            case SOFTMAX, LOG_SOFTMAX -> emit(new Kernel.Softmax(fresh(n), bufOf(n.operand(0)),
                    axis(a.getAxis("axis"), n.type().rank()), 1.0, n.op() == Op.LOG_SOFTMAX));
            case LAYER_NORM -> emit(new Kernel.LayerNorm(fresh(n), bufOf(n.operand(0)), bufOf(n.operand(1)),
                    bufOf(n.operand(2)), null, axis(a.getAxis("axis"), n.type().rank()), a.getFloat("eps")));
            case BATCH_NORM -> batchNorm(n);
        }
    }

    /**
     * A gather whose indices are a 1-D iota (0, 1, ..., L - 1: position ids) reads the first L
     * entries of its axis in order, so it is lowered to a slice, with no integer tensor computed
     * inside the model.
     */
    private boolean isPrefixGather(Node n) {
        if (n.op() != Op.GATHER) return false;
        Node indices = producers.get(n.operand(1).id());
        if (indices == null || indices.op() != Op.IOTA || indices.type().rank() != 1) return false;
        // A known length past the axis stays a gather, whose index check reports it.
        Dim length = indices.type().shape().dim(0);
        Dim axis = n.operand(0).type().shape().dim(axis(n.attrs().getAxis("axis"), n.operand(0).type().rank()));
        return !(length.isKnown() && axis.isKnown() && length.known().getAsLong() > axis.known().getAsLong());
    }

    /** An iota that only gathers use as a prefix of rows needs no kernel of its own. */
    private boolean onlyCountsRows(Node iota) {
        List<Node> uses = users.getOrDefault(iota.result().id(), List.of());
        return !uses.isEmpty() && !outputNames.containsKey(iota.result().id())
                && uses.stream().allMatch(u -> isPrefixGather(u) && u.operand(1).id() == iota.result().id()
                        && u.operand(0).id() != iota.result().id());
    }

    private void unary(Node n, UnaryFn fn) {
        elementwise(n, List.of(n.operand(0)), ins -> new Expr.Unary(fn, ins.getFirst()));
    }

    private void binary(Node n, BinaryFn fn) {
        elementwise(n, n.operands(), ins -> new Expr.Binary(fn, ins.get(0), ins.get(1)));
    }

    /** One elementwise kernel; scalar constant operands become literals in the expression. */
    private void elementwise(Node n, List<Value> operands, java.util.function.Function<List<Expr>, Expr> body) {
        List<Buf> ins = new ArrayList<>();
        List<Expr> args = new ArrayList<>();
        for (Value v : operands) {
            Double c = constants.get(v.id());
            if (c != null) {
                args.add(new Expr.Const(c));
            } else {
                args.add(new Expr.In(ins.size()));
                ins.add(bufOf(v));
            }
        }
        emit(new Kernel.Elementwise(fresh(n), ins, body.apply(args)));
    }

    private void matmul(Node n) {
        emit(new Kernel.MatMul(fresh(n), bufOf(n.operand(0)), bufOf(n.operand(1)), null, false, false,
                Kernel.Epilogue.NONE));
    }

    private void conv2d(Node n) {
        Attrs a = n.attrs();
        emit(new Kernel.Conv2d(fresh(n), bufOf(n.operand(0)), bufOf(n.operand(1)),
                n.operands().size() > 2 ? bufOf(n.operand(2)) : null, ints(a, "stride"), ints(a, "padding"),
                ints(a, "dilation"), a.getAxis("groups"), Kernel.Layout.NCHW, Kernel.Layout.NCHW, Kernel.Epilogue.NONE));
    }

    /** (x - mean) * rsqrt(var + eps) * gamma + beta, with the [C] vectors viewed as [C, 1, ...] to broadcast over NCHW. */
    private void batchNorm(Node n) {
        TensorType x = n.operand(0).type();
        List<Dim> dims = new ArrayList<>();
        dims.add(x.shape().dim(1));
        for (int i = 2; i < x.rank(); i++) dims.add(Dim.of(1));
        List<Buf> ins = new ArrayList<>();
        ins.add(bufOf(n.operand(0)));
        for (int i = 1; i < 5; i++) {
            Buf v = bufOf(n.operand(i));
            ins.add(v.view(new TensorType(v.type().dtype(), new Shape(dims))));
        }
        Expr xIn = new Expr.In(0), gamma = new Expr.In(1), beta = new Expr.In(2), mean = new Expr.In(3), var = new Expr.In(4);
        Expr scale = new Expr.Unary(UnaryFn.RSQRT, new Expr.Binary(BinaryFn.ADD, var, new Expr.Const(n.attrs().getFloat("eps"))));
        Expr normalized = new Expr.Binary(BinaryFn.MUL, new Expr.Binary(BinaryFn.SUB, xIn, mean), scale);
        Expr body = new Expr.Binary(BinaryFn.ADD, new Expr.Binary(BinaryFn.MUL, normalized, gamma), beta);
        emit(new Kernel.Elementwise(fresh(n), ins, body));
    }

    /** A reduction over sorted axes; non-contiguous axes are first transposed to the end. */
    private void reduce(Node n, Kernel.ReduceKind kind) {
        Value x = n.operand(0);
        int rank = x.type().rank();
        List<Integer> axes = new ArrayList<>();
        for (long ax : n.attrs().getInts("axes")) axes.add(axis((int) ax, rank));
        Collections.sort(axes);
        boolean contiguous = axes.getLast() - axes.getFirst() == axes.size() - 1;
        if (contiguous) {
            emit(new Kernel.Reduce(fresh(n), bufOf(x), kind, axes));
            return;
        }
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < rank; i++) if (!axes.contains(i)) perm.add(i);
        perm.addAll(axes);
        List<Dim> permuted = perm.stream().map(i -> x.type().shape().dim(i)).toList();
        Buf moved = slot(new TensorType(x.type().dtype(), new Shape(permuted)));
        emit(new Kernel.Transpose(moved, bufOf(x), perm));
        List<Integer> tail = new ArrayList<>();
        for (int i = rank - axes.size(); i < rank; i++) tail.add(i);
        List<Dim> kept = permuted.subList(0, rank - axes.size());
        Buf out = fresh(n);
        emit(new Kernel.Reduce(out.view(new TensorType(n.type().dtype(), new Shape(kept))), moved, kind, tail));
    }

    /** Python slicing made explicit: one normalized start and step per dim. */
    private void slice(Node n) {
        Value x = n.operand(0);
        int rank = x.type().rank();
        List<Integer> starts = new ArrayList<>(Collections.nCopies(rank, 0));
        List<Integer> steps = new ArrayList<>(Collections.nCopies(rank, 1));
        int[] axes = n.attrs().getIntArray("axes"), begin = n.attrs().getIntArray("starts"), step = n.attrs().getIntArray("steps");
        for (int i = 0; i < axes.length; i++) {
            int ax = axis(axes[i], rank);
            long start = begin[i];
            if (start < 0) {
                Dim d = x.type().shape().dim(ax);
                if (!d.isKnown()) throw new IllegalArgumentException("slice from the end of symbolic dim " + d);
                start = Math.max(0, start + d.known().getAsLong());
            }
            Dim d = x.type().shape().dim(ax);
            if (d.isKnown()) start = Math.min(start, d.known().getAsLong());
            starts.set(ax, (int) start);
            steps.set(ax, step[i]);
        }
        emit(new Kernel.Slice(fresh(n), bufOf(x), starts, steps));
    }

    private Buf bufOf(Value v) {
        Buf b = bufs.get(v.id());
        if (b == null) throw new IllegalStateException("value %" + v.id() + " has no storage");
        return b;
    }

    /** Storage for a node's result: the output buffer when it is a model output, else a new arena slot. */
    private Buf fresh(Node n) {
        String output = outputNames.get(n.result().id());
        Buf b = output != null ? Buf.output(output, n.type()) : slot(n.type());
        bufs.put(n.result().id(), b);
        return b;
    }

    private Buf slot(TensorType type) {
        Buf b = Buf.arena("t" + slots++, arenaSize, type);
        arenaSize = arenaSize.plus(type.shape().numel());
        return b;
    }

    private void emit(Kernel k) { kernels.add(k); }

    private static int axis(int axis, int rank) { return axis < 0 ? axis + rank : axis; }

    private static List<Integer> ints(Attrs a, String name) {
        return a.getInts(name).stream().map(Math::toIntExact).toList();
    }
}
