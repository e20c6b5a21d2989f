package dev.nnc.frontend;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Op;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import java.util.List;
import java.util.Map;

/** What an expression evaluates to while the frontend elaborates a model. */
sealed interface Val {

    /** A tensor: an SSA value of the graph being built. */
    record TensorV(Value value) implements Val {}

    /** A compile-time integer (may be negative, e.g. an axis). */
    record IntV(long value) implements Val {}

    /** A dimension not known until run time (B, or arithmetic over it). */
    record DimV(Dim dim) implements Val {}

    record FloatV(double value) implements Val {}

    record BoolV(boolean value) implements Val {}

    record StrV(String value) implements Val {}

    record ListV(List<Val> items) implements Val {}

    /** An element type bound by a type variable such as {@code T} in {@code x: T[...]}. */
    record DTypeV(DType dtype) implements Val {}

    /** The dims matched by {@code ...} in a layer's input type. */
    record DimsV(List<Dim> dims) implements Val {}

    /** A layer, configured ({@code config} non-null) or not yet. */
    record LayerV(Ast.Layer decl, Module home, Map<String, Val> config) implements Val {}

    /** A graph IR op reached as {@code op.NAME}. */
    record OpV(Op op) implements Val {}

    /** A compile-time function reached as {@code math.NAME}. */
    record MathV(CompileTimeMath.Fn fn) implements Val {}

    /** The value of something that already failed; using it reports nothing more. */
    record ErrorV() implements Val {}

    static String describe(Val v) {
        return switch (v) {
            case TensorV t -> "tensor " + t.value().type();
            case IntV i -> "int " + i.value();
            case DimV d -> "dimension " + d.dim();
            case FloatV f -> "float " + f.value();
            case BoolV b -> "bool " + b.value();
            case StrV s -> "string \"" + s.value() + "\"";
            case ListV l -> "list of " + l.items().size();
            case DTypeV d -> "element type " + d.dtype();
            case DimsV d -> "dims " + d.dims();
            case LayerV l -> "layer '" + l.decl().name() + "'";
            case OpV o -> "op '" + o.op().text() + "'";
            case MathV m -> "function 'math." + m.fn().text() + "'";
            case ErrorV e -> "an erroneous value";
        };
    }
}
