package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Kernel.Concat;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Gather;
import dev.nnc.ir.kernel.Kernel.Iota;
import dev.nnc.ir.kernel.Kernel.LayerNorm;
import dev.nnc.ir.kernel.Kernel.MatMul;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.Reduce;
import dev.nnc.ir.kernel.Kernel.Slice;
import dev.nnc.ir.kernel.Kernel.Softmax;
import dev.nnc.ir.kernel.Kernel.Transpose;
import dev.nnc.runtime.DType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that a kernel program is well-formed kernel IR:
 *
 * <ul>
 *   <li><b>declarations</b>: inputs, weights and outputs are in their own space at offset 0,
 *       with complete types and names unique within their kind;
 *   <li><b>dataflow</b>: every buf a kernel reads is a declared input or weight, or an arena or
 *       output buf that an earlier kernel wrote and no kernel since overwrote (a read may view
 *       the elements with another shape of the same element count and type); inputs and
 *       weights are never written; each output is written exactly once; no kernel writes over
 *       its own inputs; arena bufs lie within {@code [0, arenaSize)};
 *   <li><b>types</b>: each kernel's output shape follows from its inputs and attributes;
 *       element types follow the graph IR, which asks for floats only in conv2d, layer_norm,
 *       reduce_mean and the real-valued functions (exp, sigmoid, ...) of an elementwise
 *       expression, and lets casts and integer arithmetic through.
 * </ul>
 *
 * Symbolic sizes are compared structurally first; where they differ (or a rule needs
 * arithmetic such as floor division), the verifier evaluates them with the program's
 * symbols bound to a few sizes (the first symbol to 1, 2 and 7, the others to distinct
 * values, and all of them to multiples of 5040 once) and reports a problem only when some
 * binding shows it. A binding that makes any dim of the program negative or any division
 * inexact is outside the program's domain and is not used. Each problem names the kernel by
 * its index and printed form: {@code kernel 3: matmul(...) -> ...: what is wrong}.
 */
public final class KernelVerifier {

    private final KernelProgram program;
    private final Sizes sizes;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Buf> inputs = new HashMap<>(), weights = new HashMap<>(), outputs = new HashMap<>();
    private final Map<String, Buf> derived = new HashMap<>();
    /** Derived weights a prepare kernel has computed so far. */
    private final Set<String> derivedWritten = new HashSet<>();
    /** True while checking the load-time kernels. */
    private boolean preparing;
    /** Output name -> the kernel that wrote it, and the buf as written. */
    private final Map<String, Write> outputWrites = new HashMap<>();
    /** Arena bufs written and not overwritten since, by storage. */
    private final Map<Storage, Write> live = new LinkedHashMap<>();
    /** Arena bufs overwritten by a later kernel's write: storage -> the kernel that overwrote it. */
    private final Map<Storage, Integer> clobberedBy = new HashMap<>();
    /** The first kernel writing each arena or output storage, to tell "too early" from "never". */
    private final Map<Storage, Integer> firstWriter = new HashMap<>();

    private record Storage(Space space, String name, Dim offset) {
        static Storage of(Buf b) { return new Storage(b.space(), b.name(), b.space() == Space.OUTPUT ? Dim.of(0) : b.offset()); }
    }

    private record Write(int kernel, Buf buf) {}

    private KernelVerifier(KernelProgram program) {
        this.program = program;
        this.sizes = Sizes.of(program);
    }

    /** @throws KernelVerifyException listing every problem, when there is at least one */
    public static void verify(KernelProgram program) {
        List<String> problems = problems(program);
        if (!problems.isEmpty()) throw new KernelVerifyException(program == null ? "<null>" : program.name(), problems);
    }

    /** Every problem in the program, in order; empty when it is valid. */
    public static List<String> problems(KernelProgram program) {
        if (program == null) return List.of("no program");
        KernelVerifier v = new KernelVerifier(program);
        v.run();
        return List.copyOf(v.problems);
    }

    private void run() {
        declare("input", Space.INPUT, program.inputs(), inputs);
        declare("weight", Space.WEIGHT, program.weights(), weights);
        declare("derived", Space.WEIGHT, program.derived(), derived);
        declare("output", Space.OUTPUT, program.outputs(), outputs);
        for (Buf d : program.derived()) {
            if (d == null || d.name() == null || d.type() == null || d.type().shape() == null) continue;
            if (weights.containsKey(d.name())) problems.add("derived " + KernelPrinter.name(d.name()) + ": has a weight's name");
            if (d.type().shape().dims().stream().anyMatch(x -> !x.isKnown())) {
                problems.add("derived " + KernelPrinter.name(d.name()) + ": has symbolic size " + d.type() + " (weights are fixed)");
            }
        }
        preparing = true;
        for (int i = 0; i < program.prepare().size(); i++) kernel(i, program.prepare().get(i));
        preparing = false;
        for (Buf d : program.derived()) {
            if (d != null && d.name() != null && !derivedWritten.contains(d.name())) {
                problems.add("derived " + KernelPrinter.name(d.name()) + ": no prepare kernel computes it");
            }
        }
        Dim arena = program.arenaSize();
        if (arena == null) problems.add("arena: the program has no arena size");
        else if (!sizes.holds(v -> v[0] >= 0, arena)) problems.add("arena: size " + arena + " can be negative");
        List<Kernel> kernels = program.kernels();
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            if (k != null && wellFormed(k) == null && k.out().space() != null) firstWriter.putIfAbsent(Storage.of(k.out()), i);
        }
        for (int i = 0; i < kernels.size(); i++) kernel(i, kernels.get(i));
        for (Buf out : program.outputs()) {
            if (out != null && out.name() != null && !outputWrites.containsKey(out.name())) {
                problems.add("output " + KernelPrinter.name(out.name()) + ": no kernel writes it");
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // Declarations

    private void declare(String keyword, Space space, List<Buf> bufs, Map<String, Buf> byName) {
        for (Buf b : bufs) {
            String where = keyword + " " + (b == null ? "?" : KernelPrinter.name(b.name())) + ": ";
            String broken = b == null ? "the declaration is missing" : bufProblem(b);
            if (broken != null) {
                problems.add(where + broken);
                continue;
            }
            if (b.space() != space) problems.add(where + "is declared as " + keyword + " but its space is " + b.space().text());
            if (!isZero(b.offset())) problems.add(where + "has offset " + b.offset() + "; only arena bufs have offsets");
            if (byName.putIfAbsent(b.name(), b) != null) problems.add(where + "is declared twice");
        }
    }

    // ---------------------------------------------------------------------------------
    // Kernels

    /** The problems of one kernel, each prefixed with where it is. */
    private final class Check {
        private final int index;
        private final Kernel kernel;
        private String where; // printed on the first problem only: most kernels have none

        Check(int index, Kernel kernel) {
            this.index = index;
            this.kernel = kernel;
        }

        void fail(String problem) {
            if (where == null) where = (preparing ? "prepare kernel " : "kernel ") + index + ": " + KernelPrinter.print(kernel) + ": ";
            problems.add(where + problem);
        }

        /** Reports {@code problem} unless {@code ok}; returns {@code ok}. */
        boolean require(boolean ok, String problem) {
            if (!ok) fail(problem);
            return ok;
        }
    }

    private void kernel(int index, Kernel k) {
        if (k == null) {
            problems.add((preparing ? "prepare kernel " : "kernel ") + index + ": the kernel is missing");
            return;
        }
        Check c = new Check(index, k);
        String broken = wellFormed(k);
        if (broken != null) {
            c.fail(broken);
            return;
        }
        List<Buf> ins = KernelOp.operands(k);
        for (int j = 0; j < ins.size(); j++) read(c, ins.get(j));
        overlapsOwnInputs(c, k, ins);
        shapes(c, k);
        write(c, index, k.out());
    }

    /** Null parts make every other rule meaningless; returns the first one found, or null. */
    private static String wellFormed(Kernel k) {
        if (k.out() == null) return "the kernel has no output buf";
        String p = bufProblem(k.out());
        if (p != null) return "output: " + p;
        List<Buf> ins = KernelOp.operands(k);
        if (ins == null) return "the kernel has no input list";
        for (int j = 0; j < ins.size(); j++) {
            if (ins.get(j) == null) return "input " + j + " is missing";
            p = bufProblem(ins.get(j));
            if (p != null) return "input " + j + ": " + p;
        }
        KernelOp op = KernelOp.of(k);
        List<Object> values = KernelOp.attrValues(k);
        for (int j = 0; j < values.size(); j++) {
            Object v = values.get(j);
            if (v == null || v instanceof List<?> list && list.stream().anyMatch(Objects::isNull)) {
                return "attribute " + op.attrs.get(j).name() + " is missing or has a missing element";
            }
        }
        if (op.hasEpilogue()) {
            Kernel.Epilogue e = KernelOp.epilogue(k);
            if (e == null || e.expr() == null) return "the epilogue is missing";
        }
        if (k instanceof Pool2d pool && pool.kind() == null) return "the pooling kind is missing";
        if (k instanceof Reduce r && r.kind() == null) return "the reduction kind is missing";
        return null;
    }

    private static String bufProblem(Buf b) {
        if (b.space() == null) return "the buf has no space";
        if (b.name() == null) return "the buf has no name";
        if (b.offset() == null) return "the buf has no offset";
        TensorType t = b.type();
        if (t == null || t.dtype() == null || t.shape() == null) return "the buf's type is missing or incomplete";
        return null;
    }

    // ---------------------------------------------------------------------------------
    // Dataflow

    private void read(Check c, Buf b) {
        String what = "reads " + KernelPrinter.buf(b);
        if (preparing && b.space() != Space.WEIGHT) {
            c.fail(what + ", but load-time kernels read only weights and derived weights");
            return;
        }
        switch (b.space()) {
            case INPUT -> readDeclared(c, b, what, inputs.get(b.name()), "input");
            case WEIGHT -> {
                if (derived.containsKey(b.name())) {
                    if (!derivedWritten.contains(b.name())) c.fail(what + ", which no earlier prepare kernel computes");
                    else readDeclared(c, b, what, derived.get(b.name()), "derived weight");
                } else {
                    readDeclared(c, b, what, weights.get(b.name()), "weight");
                }
            }
            case OUTPUT -> {
                Write w = outputWrites.get(b.name());
                if (w == null) c.fail(what + ", which " + notWrittenYet(b));
                else sameElements(c, what, b, w);
            }
            case ARENA -> {
                Storage s = Storage.of(b);
                Write w = live.get(s);
                if (w != null) sameElements(c, what, b, w);
                else if (clobberedBy.containsKey(s)) {
                    c.fail(what + ", which kernel " + clobberedBy.get(s) + " has overwritten since it was written");
                } else c.fail(what + ", which " + notWrittenYet(b));
            }
        }
    }

    private String notWrittenYet(Buf b) {
        Integer first = firstWriter.get(Storage.of(b));
        return first == null ? "no kernel writes" : "is not written before it (kernel " + first + " writes it first)";
    }

    private void readDeclared(Check c, Buf b, String what, Buf declared, String kind) {
        if (declared == null) {
            c.fail(what + ", but no " + kind + " '" + b.name() + "' is declared");
            return;
        }
        if (!isZero(b.offset())) c.fail(what + " at offset " + b.offset() + "; only arena bufs have offsets");
        view(c, what, b, declared.type(), "declared as " + declared.type());
    }

    private void sameElements(Check c, String what, Buf b, Write w) {
        view(c, what, b, w.buf().type(), "kernel " + w.kernel() + " wrote it as " + w.buf().type());
    }

    /** A buf may view stored elements with another shape, but must keep their type and count. */
    private void view(Check c, String what, Buf b, TensorType stored, String how) {
        TensorType t = b.type();
        if (t.dtype() != stored.dtype() || !sizes.same(t.shape().numel(), stored.shape().numel())) {
            c.fail(what + ", but " + how + " (a view keeps the element type and count)");
        }
    }

    private void overlapsOwnInputs(Check c, Kernel k, List<Buf> ins) {
        Buf out = k.out();
        if (out.space() != Space.ARENA) return;
        for (int j = 0; j < ins.size(); j++) {
            Buf in = ins.get(j);
            if (in.space() != Space.ARENA || (j == 0 && k.inPlace() && in.sameStorage(out))) continue;
            if (overlap(in, out)) c.fail("writes over its own input " + j + " " + KernelPrinter.buf(in));
        }
    }

    private void write(Check c, int index, Buf out) {
        if (preparing) {
            String what = "writes " + KernelPrinter.buf(out);
            Buf declared = out.space() == Space.WEIGHT ? derived.get(out.name()) : null;
            if (declared == null) c.fail(what + ", but load-time kernels write only declared derived weights");
            else if (!derivedWritten.add(out.name())) c.fail(what + ", which an earlier prepare kernel already computed");
            else {
                if (!isZero(out.offset())) c.fail(what + " at offset " + out.offset() + "; only arena bufs have offsets");
                view(c, what, out, declared.type(), "it is declared as " + declared.type());
            }
            return;
        }
        if (out.space() == Space.WEIGHT && derived.containsKey(out.name())) {
            c.fail("writes " + KernelPrinter.buf(out) + ", but derived weights are written only by prepare kernels");
            return;
        }
        switch (out.space()) {
            case INPUT, WEIGHT -> c.fail("writes " + KernelPrinter.buf(out) + ", but inputs and weights are read-only");
            case OUTPUT -> {
                String what = "writes " + KernelPrinter.buf(out);
                Buf declared = outputs.get(out.name());
                if (declared == null) {
                    c.fail(what + ", but no output '" + out.name() + "' is declared");
                    return;
                }
                if (!isZero(out.offset())) c.fail(what + " at offset " + out.offset() + "; only arena bufs have offsets");
                view(c, what, out, declared.type(), "it is declared as " + declared.type());
                Write before = outputWrites.putIfAbsent(out.name(), new Write(index, out));
                if (before != null) c.fail(what + ", which kernel " + before.kernel() + " already wrote (outputs are written once)");
            }
            case ARENA -> {
                Dim size = program.arenaSize();
                if (size != null && !sizes.holds(v -> v[0] + v[1] <= v[2], out.offset(), out.type().shape().numel(), size)) {
                    c.fail("writes " + KernelPrinter.buf(out) + ", which ends past the arena's " + size + " elements");
                }
                Storage s = Storage.of(out);
                live.entrySet().removeIf(e -> {
                    if (e.getKey().equals(s) || !overlap(e.getValue().buf(), out)) return false;
                    clobberedBy.put(e.getKey(), index);
                    return true;
                });
                clobberedBy.remove(s);
                live.put(s, new Write(index, out));
            }
        }
    }

    /** Whether two arena bufs share an element under some binding of the sizes. */
    private boolean overlap(Buf a, Buf b) {
        Dim na = a.type().shape().numel(), nb = b.type().shape().numel();
        if (a.sameStorage(b)) return !sizes.holds(v -> v[0] == 0, na);
        return !sizes.holds(v -> v[1] == 0 || v[3] == 0 || v[0] + v[1] <= v[2] || v[2] + v[3] <= v[0],
                a.offset(), na, b.offset(), nb);
    }

    // ---------------------------------------------------------------------------------
    // Shape rules, one per kernel kind

    private void shapes(Check c, Kernel k) {
        switch (k) {
            case Elementwise e -> elementwise(c, e);
            case MatMul m -> matmul(c, m);
            case Conv2d conv -> conv2d(c, conv);
            case Pool2d p -> pool2d(c, p);
            case Reduce r -> reduce(c, r);
            case Softmax s -> softmax(c, s);
            case LayerNorm l -> layerNorm(c, l);
            case Transpose t -> transpose(c, t);
            case Slice s -> slice(c, s);
            case Concat cat -> concat(c, cat);
            case Gather g -> gather(c, g);
            case Iota i -> c.require(0 <= i.axis() && i.axis() < rank(i.out()),
                    "axis " + i.axis() + " is not a dim of the output " + i.out().type());
        }
    }

    private void elementwise(Check c, Elementwise e) {
        for (int j = 0; j < e.ins().size(); j++) {
            Buf in = e.ins().get(j);
            c.require(broadcasts(in.type().shape(), e.out().type().shape()),
                    "input " + j + " " + in.type() + " does not broadcast to the output's shape " + e.out().type().shape());
        }
        if (e.expr() == null) c.fail("the kernel has no expression");
        else expr(c, e.expr(), e.ins().size(), e.out().type().dtype(), "the kernel reads " + e.ins().size());
    }

    /** Functions the graph IR allows on float tensors only; the expression computes in the output's type. */
    private static final Set<Expr.UnaryFn> FLOAT_ONLY = EnumSet.of(Expr.UnaryFn.SIGMOID, Expr.UnaryFn.TANH,
            Expr.UnaryFn.GELU, Expr.UnaryFn.GELU_TANH, Expr.UnaryFn.ERF, Expr.UnaryFn.EXP, Expr.UnaryFn.LOG,
            Expr.UnaryFn.SQRT, Expr.UnaryFn.RSQRT);

    /** {@code reads} says what the valid {@code %i} are, for the problem message. */
    private void expr(Check c, Expr e, int inputs, DType out, String reads) {
        switch (e) {
            case Expr.In in -> c.require(0 <= in.index() && in.index() < inputs,
                    "%" + in.index() + " is not an input: " + reads);
            case Expr.Const k -> {}
            case Expr.Unary u -> {
                if (u.fn() == null || u.x() == null) c.fail("a unary expression has no function or argument");
                else {
                    c.require(!FLOAT_ONLY.contains(u.fn()) || out.isFloat(),
                            u.fn().text() + " is defined on real numbers only, but the output is " + out.text());
                    expr(c, u.x(), inputs, out, reads);
                }
            }
            case Expr.Binary b -> {
                if (b.fn() == null || b.a() == null || b.b() == null) c.fail("a binary expression has no function or argument");
                else {
                    expr(c, b.a(), inputs, out, reads);
                    expr(c, b.b(), inputs, out, reads);
                }
            }
        }
    }

    /** Epilogue inputs broadcast to the output; %0 is the product, %1.. the epilogue's bufs. */
    private void epilogue(Check c, Kernel.Epilogue e, Buf out) {
        for (int j = 0; j < e.ins().size(); j++) {
            Buf in = e.ins().get(j);
            c.require(broadcasts(in.type().shape(), out.type().shape()),
                    "epilogue input " + (j + 1) + " " + in.type() + " does not broadcast to the output's shape " + out.type().shape());
        }
        int n = e.ins().size();
        expr(c, e.expr(), n + 1, out.type().dtype(),
                "the epilogue reads the result as %0 and " + n + (n == 1 ? " buffer" : " buffers") + " after it");
    }

    /** x or out dims as NCHW, whatever the kernel's layout. */
    private static List<Dim> nchw(List<Dim> dims, Kernel.Layout layout) {
        if (layout != Kernel.Layout.NHWC || dims.size() != 4) return dims;
        return List.of(dims.get(0), dims.get(3), dims.get(1), dims.get(2));
    }

    private void matmul(Check c, MatMul m) {
        epilogue(c, m.epilogue(), m.out());
        sameDType(c, m.out(), m.a(), m.b(), m.bias());
        List<Dim> a = dims(m.a()), b = dims(m.b()), out = dims(m.out());
        if (!c.require(a.size() >= 2 && b.size() >= 2 && out.size() >= 2,
                "a, b and the output need rank 2 or more, but have ranks " + a.size() + ", " + b.size() + ", " + out.size())) {
            return;
        }
        Dim rowsA = a.get(a.size() - (m.transA() ? 1 : 2)), colsA = a.get(a.size() - (m.transA() ? 2 : 1));
        Dim rowsB = b.get(b.size() - (m.transB() ? 1 : 2)), colsB = b.get(b.size() - (m.transB() ? 2 : 1));
        c.require(sizes.same(colsA, rowsB), "a's K " + colsA + " differs from b's K " + rowsB);
        c.require(sizes.same(out.get(out.size() - 2), rowsA) && sizes.same(out.get(out.size() - 1), colsB),
                "the output " + m.out().type() + " does not end in [" + rowsA + "," + colsB + "]");
        List<Dim> batchA = a.subList(0, a.size() - 2), batchB = b.subList(0, b.size() - 2);
        List<Dim> batchOut = out.subList(0, out.size() - 2);
        c.require(broadcastOf(batchOut, batchA, batchB), "the output's batch dims " + new Shape(batchOut)
                + " are not the broadcast of a's " + new Shape(batchA) + " and b's " + new Shape(batchB));
        if (m.bias() != null) {
            List<Dim> bias = dims(m.bias());
            c.require(bias.size() == 1 && sizes.same(bias.get(0), colsB), "the bias " + m.bias().type() + " is not [" + colsB + "]");
        }
    }

    private void conv2d(Check c, Conv2d conv) {
        epilogue(c, conv.epilogue(), conv.out());
        isFloat(c, "output", conv.out());
        sameDType(c, conv.out(), conv.x(), conv.weight(), conv.bias());
        List<Dim> x = nchw(dims(conv.x()), conv.inputLayout()), w = dims(conv.weight()), out = nchw(dims(conv.out()), conv.layout());
        String layout = conv.inputLayout() == conv.layout() ? conv.layout().name()
                : conv.inputLayout().name() + " input, " + conv.layout().name() + " output";
        // An NHWC x for an NCHW output has no kernel: the NCHW convolution gathers whole image rows.
        boolean ok = c.require(conv.inputLayout() == conv.layout() || conv.inputLayout() == Kernel.Layout.NCHW,
                "input_layout nhwc with layout nchw is not supported (only an nhwc convolution may read another layout)");
        ok &= c.require(x.size() == 4 && w.size() == 4 && out.size() == 4,
                "x, the weight and the output need rank 4 (" + layout + ", OIHW), but have ranks " + x.size() + ", " + w.size() + ", " + out.size());
        ok &= window(c, conv.stride(), conv.padding(), conv.dilation());
        ok &= c.require(conv.groups() >= 1, "groups " + conv.groups() + " is less than 1");
        if (!ok) return;
        int g = conv.groups();
        c.require(sizes.same(out.get(0), x.get(0)), "the output batch " + out.get(0) + " differs from x's " + x.get(0));
        c.require(sizes.same(x.get(1), w.get(1).times(Dim.of(g))),
                "x has " + x.get(1) + " channels but the weight takes " + w.get(1) + " per group in " + g + " groups");
        c.require(sizes.same(out.get(1), w.get(0)), "the output has " + out.get(1) + " channels but the weight makes " + w.get(0));
        c.require(sizes.holds(v -> v[0] % g == 0, w.get(0)), "the weight's " + w.get(0) + " filters do not split into " + g + " groups");
        if (conv.bias() != null) {
            List<Dim> bias = dims(conv.bias());
            c.require(bias.size() == 1 && sizes.same(bias.get(0), w.get(0)),
                    "the bias " + conv.bias().type() + " is not [" + w.get(0) + "]");
        }
        List<Integer> s = conv.stride(), p = conv.padding(), d = conv.dilation();
        if (conv.pooled()) {
            pooled(c, conv, x, w, out);
            return;
        }
        spatial(c, "height", x.get(2), w.get(2), p.get(0), p.get(2), s.get(0), d.get(0), out.get(2));
        spatial(c, "width", x.get(3), w.get(3), p.get(1), p.get(3), s.get(1), d.get(1), out.get(3));
    }

    /** A fused max pooling: a window of two sizes of 1 or more over a convolution output of known size, floor mode. */
    private void pooled(Check c, Conv2d conv, List<Dim> x, List<Dim> w, List<Dim> out) {
        List<Integer> pool = conv.pool();
        boolean ok = c.require(pool.size() == 2 && pool.stream().allMatch(k -> k >= 1),
                "pool " + KernelPrinter.value(pool) + " is not two sizes of 1 or more");
        // What the backends compute pooled: channels-last, ungrouped, bias and at most a ReLU before the max.
        ok &= c.require(conv.layout() == Kernel.Layout.NHWC && conv.groups() == 1,
                "a pooled convolution must be nhwc with groups=1, but is " + conv.layout().text() + " with groups=" + conv.groups());
        ok &= c.require(conv.epilogue().isNone() || conv.epilogue().isRelu(),
                "a pooled convolution's epilogue may only be relu(%0), but is " + KernelPrinter.expr(conv.epilogue().expr()));
        ok &= c.require(x.get(2).isKnown() && x.get(3).isKnown() && w.get(2).isKnown() && w.get(3).isKnown(),
                "a pooled convolution needs x's height and width and the kernel's as numbers, but they are "
                        + x.get(2) + ", " + x.get(3) + ", " + w.get(2) + ", " + w.get(3));
        if (!ok) return;
        long[] conv2d = {conv.convHeight(), conv.convWidth()};
        if (!c.require(conv2d[0] >= pool.get(0) && conv2d[1] >= pool.get(1), "pool " + KernelPrinter.value(pool)
                + " is larger than the convolution's " + conv2d[0] + "x" + conv2d[1] + " output")) return;
        String[] names = {"height", "width"};
        for (int i = 0; i < 2; i++) {
            long expected = conv2d[i] / pool.get(i);
            c.require(sizes.same(out.get(2 + i), Dim.of(expected)), "the output " + names[i] + " " + out.get(2 + i)
                    + " is not the convolution's " + conv2d[i] + " pooled by " + pool.get(i) + " = " + expected);
        }
    }

    private void pool2d(Check c, Pool2d p) {
        sameType(c, p.x(), p.out(), false);
        List<Dim> x = nchw(dims(p.x()), p.layout()), out = nchw(dims(p.out()), p.layout());
        boolean ok = c.require(x.size() == 4 && out.size() == 4,
                "x and the output need rank 4 (" + p.layout().name() + "), but have ranks " + x.size() + ", " + out.size());
        ok &= window(c, p.stride(), p.padding(), List.of(1, 1));
        ok &= c.require(p.kernel().size() == 2 && p.kernel().stream().allMatch(k -> k >= 1),
                "kernel " + KernelPrinter.value(p.kernel()) + " is not two sizes of 1 or more");
        if (!ok) return;
        List<Integer> k = p.kernel(), s = p.stride(), pad = p.padding();
        for (int i = 0; i < 4; i++) {
            c.require(pad.get(i) <= k.get(i % 2) / 2, "padding " + pad.get(i) + " is more than half the kernel " + k.get(i % 2));
        }
        c.require(sizes.same(out.get(0), x.get(0)) && sizes.same(out.get(1), x.get(1)),
                "the output's batch and channels " + new Shape(out.subList(0, 2)) + " differ from x's " + new Shape(x.subList(0, 2)));
        spatial(c, "height", x.get(2), Dim.of(k.get(0)), pad.get(0), pad.get(2), s.get(0), 1, out.get(2));
        spatial(c, "width", x.get(3), Dim.of(k.get(1)), pad.get(1), pad.get(3), s.get(1), 1, out.get(3));
    }

    /** Stride and dilation: two sizes of 1 or more; padding: four of 0 or more. */
    private static boolean window(Check c, List<Integer> stride, List<Integer> padding, List<Integer> dilation) {
        boolean ok = c.require(stride.size() == 2 && stride.stream().allMatch(s -> s >= 1), "stride " + KernelPrinter.value(stride) + " is not two sizes of 1 or more");
        ok &= c.require(padding.size() == 4 && padding.stream().allMatch(p -> p >= 0),
                "padding " + KernelPrinter.value(padding) + " is not four sizes [top,left,bottom,right] of 0 or more");
        ok &= c.require(dilation.size() == 2 && dilation.stream().allMatch(d -> d >= 1),
                "dilation " + KernelPrinter.value(dilation) + " is not two sizes of 1 or more");
        return ok;
    }

    /** out = floor((in + before + after - dilation*(k-1) - 1) / stride) + 1, on a non-empty window. */
    private void spatial(Check c, String what, Dim in, Dim k, int before, int after, int stride, int dilation, Dim out) {
        boolean ok = sizes.holds(v -> {
            long span = v[0] + before + after - (long) dilation * (v[1] - 1) - 1;
            return span >= 0 && v[2] == Math.floorDiv(span, stride) + 1;
        }, in, k, out);
        if (!ok) {
            String expected = in.isKnown() && k.isKnown()
                    ? " = " + (Math.floorDiv(in.known().getAsLong() + before + after - dilation * (k.known().getAsLong() - 1) - 1, stride) + 1)
                    : "";
            c.fail("the output " + what + " " + out + " is not floor((" + in + "+" + before + "+" + after + "-" + dilation
                    + "*(" + k + "-1)-1)/" + stride + ")+1" + expected);
        }
    }

    private void reduce(Check c, Reduce r) {
        sameType(c, r.x(), r.out(), false);
        if (r.kind() == Kernel.ReduceKind.MEAN) isFloat(c, "output", r.out());
        List<Dim> x = dims(r.x()), out = dims(r.out());
        List<Integer> axes = r.axes();
        for (int i = 0; i < axes.size(); i++) {
            int a = axes.get(i);
            if (!c.require(0 <= a && a < x.size(), "axis " + a + " is not a dim of x " + r.x().type())) return;
            if (!c.require(i == 0 || a == axes.get(i - 1) + 1, "axes " + KernelPrinter.value(axes) + " are not sorted and contiguous")) return;
        }
        List<Dim> dropped = new ArrayList<>(), kept = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            boolean reduced = axes.contains(i);
            if (!reduced) dropped.add(x.get(i));
            kept.add(reduced ? Dim.of(1) : x.get(i));
        }
        c.require(sameDims(out, dropped) || sameDims(out, kept),
                "the output shape " + r.out().type().shape() + " is neither " + new Shape(dropped) + " nor " + new Shape(kept));
    }

    /** Softmax and layer norm: the output has x's type, and axis is one of x's dims. */
    private boolean sameTypeAlong(Check c, String what, Buf x, Buf out, int axis) {
        sameType(c, x, out, true);
        return c.require(0 <= axis && axis < rank(x), what + " axis " + axis + " is not a dim of x " + x.type());
    }

    private void softmax(Check c, Softmax s) {
        c.require(Double.isFinite(s.scale()), "scale " + s.scale() + " is not a finite number");
        sameTypeAlong(c, "softmax", s.x(), s.out(), s.axis());
    }

    private void layerNorm(Check c, LayerNorm l) {
        c.require(l.eps() >= 0 && Double.isFinite(l.eps()), "eps " + l.eps() + " is not a finite number of 0 or more");
        isFloat(c, "output", l.out());
        if (!sameTypeAlong(c, "layer_norm", l.x(), l.out(), l.axis())) return;
        Shape normalized = new Shape(dims(l.x()).subList(l.axis(), rank(l.x())));
        for (Buf p : List.of(l.gamma(), l.beta())) {
            c.require(p.type().dtype() == l.x().type().dtype() && sameDims(dims(p), normalized.dims()),
                    (p == l.gamma() ? "gamma " : "beta ") + p.type() + " is not " + l.x().type().dtype().text() + normalized);
        }
        Buf r = l.residual();
        if (r != null) {
            c.require(r.type().dtype() == l.x().type().dtype() && sameDims(dims(r), dims(l.x())),
                    "residual " + r.type() + " is not x's type " + l.x().type());
        }
    }

    private void transpose(Check c, Transpose t) {
        sameType(c, t.x(), t.out(), false);
        List<Dim> x = dims(t.x()), out = dims(t.out());
        List<Integer> perm = t.perm();
        boolean permutation = perm.size() == x.size() && new HashSet<>(perm).size() == perm.size()
                && perm.stream().allMatch(p -> 0 <= p && p < x.size());
        if (!c.require(permutation, "perm " + KernelPrinter.value(perm) + " is not a permutation of x's " + x.size() + " dims")) return;
        List<Dim> expected = perm.stream().map(x::get).toList();
        c.require(sameDims(out, expected), "the output shape " + t.out().type().shape() + " is not the permuted " + new Shape(expected));
    }

    private void slice(Check c, Slice s) {
        sameType(c, s.x(), s.out(), false);
        List<Dim> x = dims(s.x()), out = dims(s.out());
        List<Integer> starts = s.starts(), steps = s.steps();
        if (!c.require(starts.size() == x.size() && steps.size() == x.size() && out.size() == x.size(),
                "x has rank " + x.size() + " but there are " + starts.size() + " starts, " + steps.size()
                        + " steps and the output has rank " + out.size())) {
            return;
        }
        for (int d = 0; d < x.size(); d++) {
            int start = starts.get(d), step = steps.get(d);
            if (!c.require(start >= 0 && step >= 1, "dim " + d + " has start " + start + " and step " + step
                    + " (starts are normalized to 0 or more, steps are 1 or more)")) {
                continue;
            }
            // A symbolic length over a fixed axis is a run-time precondition (SizeLimits), checked before any kernel runs.
            if (!out.get(d).isKnown() && x.get(d).isKnown()) continue;
            c.require(sizes.holds(v -> v[1] == 0 || start + (v[1] - 1) * step < v[0], x.get(d), out.get(d)),
                    "dim " + d + ": " + out.get(d) + " elements from " + start + " in steps of " + step + " run past x's " + x.get(d));
        }
    }

    private void concat(Check c, Concat cat) {
        if (!c.require(!cat.xs().isEmpty(), "the kernel joins no inputs")) return;
        List<Dim> out = dims(cat.out());
        int axis = cat.axis();
        if (!c.require(0 <= axis && axis < out.size(), "axis " + axis + " is not a dim of the output " + cat.out().type())) return;
        Dim total = Dim.of(0);
        for (int j = 0; j < cat.xs().size(); j++) {
            Buf x = cat.xs().get(j);
            sameType(c, x, cat.out(), false);
            List<Dim> d = dims(x);
            boolean agree = d.size() == out.size();
            for (int i = 0; agree && i < d.size(); i++) agree = i == axis || sizes.same(d.get(i), out.get(i));
            c.require(agree, "input " + j + " " + x.type() + " differs from the output " + cat.out().type() + " outside axis " + axis);
            if (axis < d.size()) total = total.plus(d.get(axis));
        }
        c.require(sizes.same(out.get(axis), total), "the output's axis " + axis + " has " + out.get(axis)
                + " elements, but the inputs' add up to " + total);
    }

    private void gather(Check c, Gather g) {
        DType it = g.indices().type().dtype();
        c.require(it == DType.I8 || it == DType.I32 || it == DType.I64, "the indices " + g.indices().type() + " are not integers");
        sameType(c, g.data(), g.out(), false);
        List<Dim> data = dims(g.data());
        int axis = g.axis();
        if (!c.require(0 <= axis && axis < data.size(), "axis " + axis + " is not a dim of the data " + g.data().type())) return;
        List<Dim> expected = new ArrayList<>(data.subList(0, axis));
        expected.addAll(dims(g.indices()));
        expected.addAll(data.subList(axis + 1, data.size()));
        c.require(sameDims(dims(g.out()), expected),
                "the output shape " + g.out().type().shape() + " is not data[:axis] + indices + data[axis+1:] = " + new Shape(expected));
    }

    // ---------------------------------------------------------------------------------
    // Helpers

    /** The output has x's element type, and with {@code shape} also x's shape. */
    private void sameType(Check c, Buf x, Buf out, boolean shape) {
        TensorType tx = x.type(), to = out.type();
        c.require(tx.dtype() == to.dtype(), "the output " + to + " does not have x's element type " + tx.dtype().text());
        if (shape) c.require(sameDims(dims(x), dims(out)), "the output shape " + to.shape() + " is not x's " + tx.shape());
    }

    private static void isFloat(Check c, String what, Buf b) {
        c.require(b.type().dtype().isFloat(), "the " + what + " " + b.type() + " is not a float type");
    }

    /** Every buf (null ones skipped) has the output's element type. */
    private static void sameDType(Check c, Buf out, Buf... ins) {
        for (Buf b : ins) {
            if (b != null && b.type().dtype() != out.type().dtype()) {
                c.fail("input " + KernelPrinter.buf(b) + " does not have the output's element type " + out.type().dtype().text());
            }
        }
    }

    private static List<Dim> dims(Buf b) { return b.type().shape().dims(); }

    private static int rank(Buf b) { return b.type().rank(); }

    private static boolean isZero(Dim d) { return d instanceof Dim.Known k && k.value() == 0; }

    private boolean sameDims(List<Dim> a, List<Dim> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!sizes.same(a.get(i), b.get(i))) return false;
        return true;
    }

    /** NumPy broadcasting of {@code in} to {@code out}: aligned from the right, each dim equal or 1. */
    private boolean broadcasts(Shape in, Shape out) {
        int extra = out.rank() - in.rank();
        if (extra < 0) return false;
        for (int i = 0; i < in.rank(); i++) {
            Dim d = in.dims().get(i);
            if (!isOne(d) && !sizes.same(d, out.dims().get(i + extra))) return false;
        }
        return true;
    }

    /** {@code out} is exactly the broadcast of {@code a} and {@code b}: each broadcasts to it, and no dim comes from nowhere. */
    private boolean broadcastOf(List<Dim> out, List<Dim> a, List<Dim> b) {
        if (out.size() != Math.max(a.size(), b.size())) return false;
        if (!broadcasts(new Shape(a), new Shape(out)) || !broadcasts(new Shape(b), new Shape(out))) return false;
        for (int i = 0; i < out.size(); i++) {
            Dim d = out.get(i);
            int ia = i - (out.size() - a.size()), ib = i - (out.size() - b.size());
            boolean fromA = ia >= 0 && sizes.same(a.get(ia), d), fromB = ib >= 0 && sizes.same(b.get(ib), d);
            if (!isOne(d) && !fromA && !fromB) return false;
        }
        return true;
    }

    private static boolean isOne(Dim d) { return d instanceof Dim.Known k && k.value() == 1; }

    /**
     * Symbolic sizes evaluated under a few bindings of the program's symbols. In the first
     * three the i-th symbol (in name order) is {1, 2, 7} + 16 i: distinct symbols never share
     * a value, and the first (usually the batch) takes the small sizes most likely to expose a
     * bug. In the last it is 5040 (i + 1), so that exact divisions such as {@code S/2} or
     * {@code D/12} have a binding to be checked with.
     */
    private record Sizes(List<Map<String, Long>> bindings) {

        static Sizes of(KernelProgram p) {
            Dim[] all = dims(p).toArray(Dim[]::new);
            Set<String> symbols = new TreeSet<>();
            for (Dim d : all) symbols(d, symbols);
            List<Map<String, Long>> bindings = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Map<String, Long> m = new HashMap<>();
                int i = 0;
                for (String s : symbols) {
                    m.put(s, k < 3 ? new long[] {1, 2, 7}[k] + 16L * i : 5040L * (i + 1));
                    i++;
                }
                // Sizes that make some dim negative or a division inexact are outside the program's domain.
                if (values(m, all) != null) bindings.add(m);
            }
            return new Sizes(bindings);
        }

        /** Every dim the program mentions: buf shapes and offsets, and the arena size. */
        private static List<Dim> dims(KernelProgram p) {
            List<Buf> bufs = new ArrayList<>();
            for (List<Buf> decls : List.of(p.inputs(), p.weights(), p.derived(), p.outputs())) bufs.addAll(decls);
            List<Kernel> all = new ArrayList<>(p.prepare());
            all.addAll(p.kernels());
            for (Kernel k : all) {
                if (k == null) continue;
                bufs.add(k.out());
                bufs.addAll(KernelOp.operands(k));
            }
            List<Dim> dims = new ArrayList<>();
            if (p.arenaSize() != null) dims.add(p.arenaSize());
            for (Buf b : bufs) {
                if (b == null) continue;
                if (b.offset() != null) dims.add(b.offset());
                if (b.type() != null && b.type().shape() != null) {
                    for (Dim d : b.type().shape().dims()) if (d != null) dims.add(d);
                }
            }
            return dims;
        }

        private static void symbols(Dim d, Set<String> out) {
            switch (d) {
                case Dim.Known k -> {}
                case Dim.Sym s -> out.add(s.name());
                case Dim.Expr e -> {
                    symbols(e.left(), out);
                    symbols(e.right(), out);
                }
            }
        }

        interface Rule { boolean test(long[] values); }

        /**
         * False when some binding gives every dim a value of 0 or more and the rule fails on
         * them; true otherwise, including when no binding can evaluate the dims.
         */
        boolean holds(Rule rule, Dim... dims) {
            for (Map<String, Long> b : bindings) {
                long[] v = values(b, dims);
                if (v != null && !rule.test(v)) return false;
            }
            return true;
        }

        /** Equal structurally, or equal under every binding that evaluates both (and at least one does). */
        boolean same(Dim a, Dim b) {
            if (a.equals(b)) return true;
            boolean evaluated = false;
            for (Map<String, Long> m : bindings) {
                long[] v = values(m, a, b);
                if (v == null) continue;
                if (v[0] != v[1]) return false;
                evaluated = true;
            }
            return evaluated;
        }

        private static long[] values(Map<String, Long> binding, Dim... dims) {
            long[] v = new long[dims.length];
            for (int i = 0; i < dims.length; i++) {
                try {
                    v[i] = dims[i].eval(binding);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    return null; // an inexact division: these sizes are not in the program's domain
                }
                if (v[i] < 0) return null;
            }
            return v;
        }
    }
}
