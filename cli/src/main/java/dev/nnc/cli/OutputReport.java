package dev.nnc.cli;

import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A short human summary of an output tensor: for [N, C] scores, the top classes per row
 * (named when class names are given, checked against true labels when given); for [N, 1],
 * the value per row; otherwise shape and statistics.
 */
final class OutputReport {
    private static final int MAX_ROWS = 16;

    private OutputReport() {}

    static String describe(String name, Tensor t, List<String> classes, Tensor labels, int top) {
        StringBuilder out = new StringBuilder();
        out.append("output '").append(name).append("': ").append(t).append('\n');
        int[] shape = t.shape();
        if (shape.length == 2 && shape[1] > 1 && t.dtype().isFloat()) {
            topClasses(out, t, shape[0], shape[1], classes, labels, Math.max(1, top));
        } else if (shape.length == 2 && shape[1] == 1) {
            for (int i = 0; i < Math.min(shape[0], MAX_ROWS); i++) {
                out.append(String.format(Locale.ROOT, "  [%d] %.6f%n", i, t.getDouble(i)));
            }
            more(out, shape[0]);
        }
        stats(out, t);
        return out.toString();
    }

    private static void topClasses(StringBuilder out, Tensor t, int rows, int cols, List<String> classes, Tensor labels, int top) {
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            final int row = r;
            List<Integer> order = new ArrayList<>();
            for (int c = 0; c < cols; c++) order.add(c);
            order.sort(Comparator.comparingDouble((Integer c) -> -t.getDouble(row * cols + c)));
            int best = order.getFirst();
            if (labels != null && r < labels.size() && labels.getLong(r) == best) correct++;
            if (r >= MAX_ROWS) continue;
            out.append(String.format(Locale.ROOT, "  [%d] %-12s %7.4f", r, label(best, classes), t.getDouble(row * cols + best)));
            if (top > 1) {
                out.append("   next:");
                for (int k = 1; k < Math.min(top, cols); k++) {
                    int c = order.get(k);
                    out.append(String.format(Locale.ROOT, " %s %.4f", label(c, classes), t.getDouble(row * cols + c)));
                    if (k < Math.min(top, cols) - 1) out.append(',');
                }
            }
            if (labels != null && r < labels.size()) {
                int truth = (int) labels.getLong(r);
                out.append("   true: ").append(label(truth, classes)).append(truth == best ? "  (correct)" : "  (WRONG)");
            }
            out.append('\n');
        }
        more(out, rows);
        if (labels != null) {
            out.append(String.format(Locale.ROOT, "  %d of %d correct%n", correct, Math.min(rows, labels.size())));
        }
    }

    private static String label(int c, List<String> classes) {
        return classes != null && c < classes.size() ? classes.get(c) : "class " + c;
    }

    private static void more(StringBuilder out, int rows) {
        if (rows > MAX_ROWS) out.append("  ... ").append(rows - MAX_ROWS).append(" more rows\n");
    }

    private static void stats(StringBuilder out, Tensor t) {
        if (t.size() == 0) return;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        out.append(String.format(Locale.ROOT, "  min %.6g, max %.6g, mean %.6g%n", min, max, sum / t.size()));
    }
}
