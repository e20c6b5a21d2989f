package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.TensorType;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints kernel IR as text that {@link KernelParser} reads back to an equal program:
 *
 * <pre>
 * kernels MnistCnn {
 *   input image : f32[B,1,28,28]
 *   weight conv1.weight : f32[32,1,3,3]
 *   output output : f32[B,10]
 *   arena B*43264+512
 *   conv2d(in:image : f32[B,1,28,28], w:conv1.weight : f32[32,1,3,3]) -> arena:t0@0 : f32[B,32,26,26] {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, layout=nchw} epilogue() = relu(%0)
 *   elementwise(arena:t0@0 : f32[B,32,26,26]) -> arena:t1@B*21632 : f32[B,32,26,26] = relu(%0)
 * }
 * </pre>
 *
 * Declarations come first (inputs, weights, derived weights, outputs), then the arena size in
 * elements, then the load-time kernels, each line starting with {@code prepare}, then one
 * kernel per line in execution order. A matmul or convolution with an epilogue other than
 * the identity ends with {@code epilogue(BUFS) = EXPR}. A buf is {@code SPACE:NAME}, then {@code @OFFSET}
 * (always for arena bufs, elsewhere only when not 0), then {@code : TYPE}. Attributes follow
 * the record's field order and are all printed, except optional ones at their default (a
 * softmax {@code scale} of 1, a convolution's {@code input_layout} equal to its {@code layout});
 * a null bias or residual is simply not among the inputs.
 * Dims, types, floats and quoted names are written as the graph IR writes them.
 */
public final class KernelPrinter {

    /** Buffer names print bare when they are dotted identifiers, as PyTorch parameter names are. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*(\\.[A-Za-z_0-9]+)*");

    private KernelPrinter() {}

    /** The whole program, ending with a newline. */
    public static String print(KernelProgram p) {
        StringBuilder sb = new StringBuilder();
        sb.append("kernels ").append(name(p.name())).append(" {\n");
        declarations(sb, "input", Space.INPUT, p.inputs());
        declarations(sb, "weight", Space.WEIGHT, p.weights());
        declarations(sb, "derived", Space.WEIGHT, p.derived());
        declarations(sb, "output", Space.OUTPUT, p.outputs());
        sb.append("  arena ").append(dim(p.arenaSize())).append('\n');
        for (Kernel k : p.prepare()) sb.append("  prepare ").append(print(k)).append('\n');
        for (Kernel k : p.kernels()) sb.append("  ").append(print(k)).append('\n');
        return sb.append("}\n").toString();
    }

    /*
     * A declaration does not print its space: the keyword says it. A declared buf in another
     * space therefore reads back in the keyword's space; the verifier reports such programs.
     */
    private static void declarations(StringBuilder sb, String keyword, Space space, List<Buf> bufs) {
        for (Buf b : bufs) {
            sb.append("  ").append(keyword).append(' ').append(b == null ? "?" : name(b.name()));
            if (b != null && !isZero(b.offset())) sb.append('@').append(dim(b.offset()));
            sb.append(" : ").append(b == null ? "?" : type(b.type())).append('\n');
        }
    }

    /** One kernel as its line in the program text, without indentation. */
    public static String print(Kernel k) {
        if (k == null) return "<null kernel>";
        KernelOp op = KernelOp.of(k);
        StringBuilder sb = new StringBuilder(op.text).append('(');
        List<Buf> ins = KernelOp.mainOperands(k);
        for (int i = 0; i < ins.size(); i++) sb.append(i == 0 ? "" : ", ").append(buf(ins.get(i)));
        sb.append(") -> ").append(buf(k.out()));
        if (k instanceof Kernel.Elementwise e) return sb.append(" = ").append(expr(e.expr())).toString();
        List<Object> values = KernelOp.attrValues(k);
        sb.append(" {");
        boolean first = true;
        for (int i = 0; i < op.attrs.size(); i++) {
            KernelOp.Attr attr = op.attrs.get(i);
            if (op.isDefault(i, values)) continue;
            sb.append(first ? "" : ", ").append(attr.name()).append('=').append(value(values.get(i)));
            first = false;
        }
        sb.append('}');
        Kernel.Epilogue e = KernelOp.epilogue(k);
        if (e != null && !e.isNone()) {
            sb.append(" epilogue(");
            for (int i = 0; i < e.ins().size(); i++) sb.append(i == 0 ? "" : ", ").append(buf(e.ins().get(i)));
            sb.append(") = ").append(expr(e.expr()));
        }
        return sb.toString();
    }

    /** A buf as kernels name it: {@code arena:t0@B*64 : f32[B,64]}, {@code w:fc.weight : f32[10,64]}. */
    public static String buf(Buf b) {
        if (b == null) return "?";
        StringBuilder sb = new StringBuilder();
        sb.append(b.space() == null ? "?" : b.space().text()).append(':').append(name(b.name()));
        if (b.space() == Space.ARENA || !isZero(b.offset())) sb.append('@').append(dim(b.offset()));
        return sb.append(" : ").append(type(b.type())).toString();
    }

    /** An elementwise expression: {@code %0}, {@code 0.5}, {@code -inf}, {@code add(mul(%0, %1), 1.0)}. */
    public static String expr(Expr e) {
        return switch (e) {
            case null -> "?";
            case Expr.In in -> "%" + in.index();
            case Expr.Const c -> IrPrinter.number(c.value());
            case Expr.Unary u -> (u.fn() == null ? "?" : u.fn().text()) + "(" + expr(u.x()) + ")";
            case Expr.Binary b -> (b.fn() == null ? "?" : b.fn().text()) + "(" + expr(b.a()) + ", " + expr(b.b()) + ")";
        };
    }

    /** A buffer or program name: bare when it is a dotted identifier such as {@code conv1.weight}, else quoted. */
    public static String name(String name) {
        return name != null && NAME.matcher(name).matches() ? name : IrPrinter.quote(name == null ? "" : name);
    }

    private static String type(TensorType t) { return t == null ? "?" : IrPrinter.type(t); }

    private static String dim(Dim d) { return d == null ? "?" : d.toString(); }

    private static boolean isZero(Dim d) { return d instanceof Dim.Known k && k.value() == 0; }

    /** An attribute value as the text form writes it: {@code [1,1]}, {@code 1.0E-5}, {@code true}, {@code ?} for a missing one. */
    static String value(Object v) {
        return switch (v) {
            case null -> "?";
            case Double d -> IrPrinter.number(d);
            case List<?> list -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) sb.append(i == 0 ? "" : ",").append(list.get(i) == null ? "?" : list.get(i));
                yield sb.append(']').toString();
            }
            case Kernel.Layout l -> l.text();
            default -> v.toString(); // Integer, Boolean
        };
    }
}
