package dev.nnc.optimizer.report;

import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.Shape;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Expr;
import dev.nnc.ir.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a kernel does, for people: a title naming what it fuses ("conv2d 3×3 + bias + relu",
 * "matmul ᵀ + bias + relu", "elementwise: relu(add(x, y))") and the constituent steps in
 * the order they apply. Elementwise inputs are called x, y, z, ... in order; in an epilogue,
 * x is the product (after the bias) and y, z, ... are the epilogue's inputs.
 */
public record KernelDescription(String title, List<String> steps) {
    private static final String NAMES = "xyzuvw";

    public KernelDescription {
        steps = List.copyOf(steps);
    }

    public static KernelDescription of(Kernel kernel) {
        List<String> steps = new ArrayList<>();
        return switch (kernel) {
            case Kernel.Elementwise e -> elementwise(e);
            case Kernel.MatMul m -> {
                String head = "matmul" + (m.transA() && m.transB() ? " Aᵀ Bᵀ" : m.transA() ? " Aᵀ" : m.transB() ? " ᵀ" : "");
                steps.add(head + " (" + (m.transA() ? "Aᵀ" : "A") + " @ " + (m.transB() ? "Bᵀ" : "B") + ")");
                yield withBiasAndEpilogue(head, steps, m.bias(), m.epilogue());
            }
            case Kernel.Conv2d c -> {
                Shape w = c.weight().type().shape();
                String head = "conv2d " + w.dim(2) + "×" + w.dim(3);
                List<String> attrs = new ArrayList<>();
                if (!allOnes(c.stride())) attrs.add("stride " + pair(c.stride()));
                if (c.padding() != null && c.padding().stream().anyMatch(p -> p != 0)) attrs.add("padding " + c.padding());
                if (!allOnes(c.dilation())) attrs.add("dilation " + pair(c.dilation()));
                if (c.groups() != 1) attrs.add("groups " + c.groups());
                if (c.layout() == Kernel.Layout.NHWC) attrs.add("nhwc");
                steps.add(head + (attrs.isEmpty() ? "" : ", " + String.join(", ", attrs)));
                yield withBiasAndEpilogue(head, steps, c.bias(), c.epilogue());
            }
            case Kernel.Pool2d p -> {
                String head = (p.kind() == Kernel.PoolKind.MAX ? "max_pool " : "avg_pool ") + pair(p.kernel());
                List<String> attrs = new ArrayList<>();
                if (p.stride() != null && !p.stride().equals(p.kernel())) attrs.add("stride " + pair(p.stride()));
                if (p.padding() != null && p.padding().stream().anyMatch(x -> x != 0)) attrs.add("padding " + p.padding());
                if (p.layout() == Kernel.Layout.NHWC) attrs.add("nhwc");
                yield single(head + (attrs.isEmpty() ? "" : ", " + String.join(", ", attrs)));
            }
            case Kernel.Reduce r -> single("reduce_" + String.valueOf(r.kind()).toLowerCase(Locale.ROOT) + " over " + r.axes());
            case Kernel.Softmax s -> {
                String head = (s.log() ? "log_softmax" : "softmax") + " (axis " + s.axis() + ")";
                yield s.scale() == 1 ? single(head)
                        : new KernelDescription("scale " + number(s.scale()) + " + " + head, List.of("mul(x, " + number(s.scale()) + ")", head));
            }
            case Kernel.LayerNorm l -> {
                String head = "layer_norm (axis " + l.axis() + ")";
                yield l.residual() == null ? single(head) : new KernelDescription("add residual + " + head, List.of("add(x, residual)", head));
            }
            case Kernel.Transpose t -> single("transpose " + t.perm());
            case Kernel.Slice s -> single("slice");
            case Kernel.Concat c -> single("concat (axis " + c.axis() + ")");
            case Kernel.Gather g -> single("gather (axis " + g.axis() + ")");
            case Kernel.Iota i -> single("iota (axis " + i.axis() + ")");
        };
    }

    private static KernelDescription single(String s) { return new KernelDescription(s, List.of(s)); }

    private static KernelDescription withBiasAndEpilogue(String head, List<String> steps, Buf bias, Kernel.Epilogue e) {
        StringBuilder title = new StringBuilder(head);
        if (bias != null) {
            title.append(" + bias");
            steps.add("+ bias");
        }
        if (e != null && !e.isNone()) {
            List<String> chain = unaryChain(e.expr());
            if (chain != null) {
                for (String fn : chain) {
                    title.append(" + ").append(fn);
                    steps.add(fn);
                }
            } else {
                String text = expr(e.expr());
                title.append(" + ").append(text);
                steps.addAll(operations(e.expr()));
            }
        }
        return new KernelDescription(title.toString(), steps);
    }

    private static KernelDescription elementwise(Kernel.Elementwise e) {
        if (e.expr() instanceof Expr.In) {
            boolean cast = !e.ins().isEmpty() && e.ins().getFirst().type().dtype() != e.out().type().dtype();
            return single(cast ? "cast to " + e.out().type().dtype().text() : "copy");
        }
        if (e.expr() instanceof Expr.Const c) return single("fill " + number(c.value()));
        List<String> steps = operations(e.expr());
        return new KernelDescription("elementwise: " + expr(e.expr()), steps);
    }

    /** {@code relu(sigmoid(%0))} as [sigmoid, relu], or null when the expression is not such a chain. */
    private static List<String> unaryChain(Expr e) {
        List<String> fns = new ArrayList<>();
        while (e instanceof Expr.Unary u) {
            fns.addFirst(u.fn().text());
            e = u.x();
        }
        return e instanceof Expr.In in && in.index() == 0 ? fns : null;
    }

    /** Every function application, innermost first: add(x, y) then relu. */
    private static List<String> operations(Expr e) {
        List<String> out = new ArrayList<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, List<String> out) {
        switch (e) {
            case Expr.Unary u -> {
                collect(u.x(), out);
                out.add(u.fn().text() + "(" + expr(u.x()) + ")");
            }
            case Expr.Binary b -> {
                collect(b.a(), out);
                collect(b.b(), out);
                out.add(b.fn().text() + "(" + expr(b.a()) + ", " + expr(b.b()) + ")");
            }
            default -> {}
        }
    }

    /** The expression with inputs named x, y, z, ...: {@code relu(add(x, y))}. */
    public static String expr(Expr e) {
        return switch (e) {
            case Expr.In in -> in.index() < NAMES.length() ? String.valueOf(NAMES.charAt(in.index())) : "in" + in.index();
            case Expr.Const c -> number(c.value());
            case Expr.Unary u -> u.fn().text() + "(" + expr(u.x()) + ")";
            case Expr.Binary b -> b.fn().text() + "(" + expr(b.a()) + ", " + expr(b.b()) + ")";
        };
    }

    /** 2.0 as "2", 0.5 as "0.5". */
    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return IrPrinter.number(d);
    }

    private static boolean allOnes(List<Integer> xs) { return xs == null || xs.stream().allMatch(x -> x == 1); }

    /** [2, 2] as "2×2", [1, 2] as "1×2". */
    private static String pair(List<Integer> xs) {
        if (xs == null) return "?";
        return String.join("×", xs.stream().map(String::valueOf).toList());
    }
}
