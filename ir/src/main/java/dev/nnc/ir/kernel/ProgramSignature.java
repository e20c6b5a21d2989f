package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The text a compiled model carries to describe itself to the runtime's {@code CompiledModel}:
 * lines {@code in NAME:TYPE}, {@code out}, {@code param}, {@code derived}, {@code symbol NAME},
 * {@code limit SIZE MAX WHY} (see {@link SizeLimits}) and {@code note TEXT}. Every backend writes it the same way.
 */
public final class ProgramSignature {
    private ProgramSignature() {}

    /** Symbols in the order the inputs first mention them: the order backends pass their values in. */
    public static List<String> symbols(KernelProgram p) {
        Set<String> out = new LinkedHashSet<>();
        for (Buf in : p.inputs()) for (Dim d : in.type().shape().dims()) collect(d, out);
        return List.copyOf(out);
    }

    private static void collect(Dim d, Set<String> out) {
        switch (d) {
            case Dim.Known k -> { }
            case Dim.Sym s -> out.add(s.name());
            case Dim.Expr e -> {
                collect(e.left(), out);
                collect(e.right(), out);
            }
        }
    }

    /** A buf's type as the signature writes it, e.g. {@code f32[B,784]}. */
    public static String typeText(Buf b) { return b.type().dtype().text() + b.type().shape().toString(); }

    /** The signature lines, ending with the given notes. */
    public static String text(KernelProgram p, List<String> notes) {
        StringBuilder s = new StringBuilder();
        for (Buf in : p.inputs()) s.append("in ").append(in.name()).append(':').append(typeText(in)).append('\n');
        for (Buf out : p.outputs()) s.append("out ").append(out.name()).append(':').append(typeText(out)).append('\n');
        for (Buf w : p.weights()) s.append("param ").append(w.name()).append(':').append(typeText(w)).append('\n');
        for (Buf w : p.derived()) s.append("derived ").append(w.name()).append(':').append(typeText(w)).append('\n');
        for (String sym : symbols(p)) s.append("symbol ").append(sym).append('\n');
        for (SizeLimits.Limit l : SizeLimits.of(p)) {
            s.append("limit ").append(l.size()).append(' ').append(l.max()).append(' ').append(l.what()).append('\n');
        }
        for (String n : notes) s.append("note ").append(n).append('\n');
        return s.toString().stripTrailing();
    }
}
