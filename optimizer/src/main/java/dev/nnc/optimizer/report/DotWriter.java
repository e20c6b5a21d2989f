package dev.nnc.optimizer.report;

import dev.nnc.ir.IrPrinter;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A kernel program as a Graphviz digraph: one box per kernel titled with what it fuses (see
 * {@link KernelDescription}) and listing its steps and the weights it reads, an oval per model
 * input and output, and an edge wherever a kernel reads what an earlier one (or an input)
 * wrote, labelled with the tensor type read. Load-time {@code prepare} kernels sit in
 * {@code subgraph cluster_prepare}. Producers are found by storage overlap, so edges stay
 * right after memory planning reuses arena slots.
 */
public final class DotWriter {
    /** Symbols are bound to this odd size to turn symbolic arena offsets into ranges (planned offsets hold for every size). */
    private static final long PROBE = 1009;

    private final StringBuilder out = new StringBuilder();
    private final List<Written> writes = new ArrayList<>();
    private final Set<String> derived = new HashSet<>();

    /** The last write of a storage range, by node id. */
    private record Written(Buf buf, String node) {}

    private DotWriter() {}

    public static String write(KernelProgram p) { return new DotWriter().run(p); }

    private String run(KernelProgram p) {
        for (Buf d : p.derived()) derived.add(d.name());
        out.append("digraph ").append(quote(p.name())).append(" {\n");
        out.append("  label=").append(quote(p.name() + ": " + p.kernels().size() + " kernels, arena " + p.arenaSize()
                + " elements")).append(";\n  labelloc=t;\n  rankdir=TB;\n");
        out.append("  fontname=\"Helvetica\";\n  node [fontname=\"Helvetica\", fontsize=10];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=9, fontcolor=\"#555555\"];\n");
        for (int i = 0; i < p.inputs().size(); i++) {
            Buf b = p.inputs().get(i);
            String id = "in" + i;
            out.append("  ").append(id).append(" [shape=oval, style=filled, fillcolor=\"#dbe8fb\", label=")
                    .append(quote(b.name() + "\n" + IrPrinter.type(b.type()))).append("];\n");
            writes.add(new Written(b, id));
        }
        if (!p.prepare().isEmpty()) {
            out.append("  subgraph cluster_prepare {\n    label=\"load time: derived weights\";\n    style=dashed;\n");
            for (int i = 0; i < p.prepare().size(); i++) kernel("p" + i, p.prepare().get(i), "    ");
            out.append("  }\n");
        }
        for (int i = 0; i < p.kernels().size(); i++) kernel("k" + i, p.kernels().get(i), "  ");
        for (int i = 0; i < p.outputs().size(); i++) {
            Buf b = p.outputs().get(i);
            String id = "out" + i;
            out.append("  ").append(id).append(" [shape=oval, peripheries=2, style=filled, fillcolor=\"#dbe8fb\", label=")
                    .append(quote(b.name() + "\n" + IrPrinter.type(b.type()))).append("];\n");
            String producer = producer(b);
            if (producer != null) edge(producer, id, b);
        }
        return out.append("}\n").toString();
    }

    private void kernel(String id, Kernel k, String indent) {
        KernelDescription d = KernelDescription.of(k);
        List<String> weights = new ArrayList<>();
        Set<String> edges = new LinkedHashSet<>();
        List<String> edgeText = new ArrayList<>();
        for (Buf b : k.ins()) {
            String producer = producer(b);
            if (producer == null || (b.space() == Space.WEIGHT && !derived.contains(b.name()))) {
                if (b.space() == Space.WEIGHT) weights.add(b.name() + " " + IrPrinter.type(b.type()));
                continue;
            }
            // One edge per producer and type: add(x, x) reads one tensor.
            if (edges.add(producer + " " + IrPrinter.type(b.type()))) edgeText.add(edgeLine(producer, id, b));
        }
        out.append(indent).append(id).append(" [shape=box, style=\"rounded,filled\", fillcolor=\"").append(color(k))
                .append("\", label=<").append(label(d, weights)).append(">];\n");
        for (String e : edgeText) out.append(indent).append(e);
        writes.add(new Written(k.out(), id));
    }

    private static String label(KernelDescription d, List<String> weights) {
        StringBuilder sb = new StringBuilder("<table border=\"0\" cellborder=\"0\" cellspacing=\"1\">");
        sb.append("<tr><td><b>").append(html(d.title())).append("</b></td></tr>");
        if (d.steps().size() > 1) {
            for (String s : d.steps()) sb.append("<tr><td align=\"left\">• ").append(html(s)).append("</td></tr>");
        }
        for (String w : weights) {
            sb.append("<tr><td align=\"left\"><font color=\"#666666\">").append(html(w)).append("</font></td></tr>");
        }
        return sb.append("</table>").toString();
    }

    private static String color(Kernel k) {
        return switch (k) {
            case Kernel.MatMul m -> "#fce4c4";
            case Kernel.Conv2d c -> "#fce4c4";
            case Kernel.Elementwise e -> "#def0d8";
            default -> "#ececec";
        };
    }

    private void edge(String from, String to, Buf b) { out.append("  ").append(edgeLine(from, to, b)); }

    private static String edgeLine(String from, String to, Buf b) {
        return from + " -> " + to + " [label=" + quote(IrPrinter.type(b.type())) + "];\n";
    }

    /** The node that last wrote storage overlapping {@code b}, or null (a weight, or nothing wrote it). */
    private String producer(Buf b) {
        for (int i = writes.size() - 1; i >= 0; i--) {
            if (overlaps(writes.get(i).buf(), b)) return writes.get(i).node();
        }
        return null;
    }

    private static boolean overlaps(Buf w, Buf r) {
        if (w.space() != r.space()) return false;
        if (w.space() != Space.ARENA) return w.name().equals(r.name());
        try {
            long ws = Sizes.eval(w.offset(), PROBE), rs = Sizes.eval(r.offset(), PROBE);
            long we = ws + Sizes.numel(w.type(), PROBE), re = rs + Sizes.numel(r.type(), PROBE);
            return ws < re && rs < we;
        } catch (RuntimeException odd) {
            return w.sameStorage(r);
        }
    }

    /** A DOT string literal. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** Text inside an HTML-like label. */
    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
