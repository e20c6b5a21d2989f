package dev.nnc.optimizer.report;

import java.util.Locale;

/** {@link ModelStats} as JSON (exactly six keys, for scripts) or as lines with units (for people). */
public final class StatsReport {
    private StatsReport() {}

    /** {@code {"ops": 13, "kernels": 8, "arena_bytes": ..., "naive_bytes": ..., "weight_bytes": ..., "flops": ...}} and a newline. */
    public static String json(ModelStats s) {
        return String.format(Locale.ROOT,
                "{\"ops\": %d, \"kernels\": %d, \"arena_bytes\": %d, \"naive_bytes\": %d, \"weight_bytes\": %d, \"flops\": %d}%n",
                s.ops(), s.kernels(), s.arenaBytes(), s.naiveBytes(), s.weightBytes(), s.flops());
    }

    /** One line per key with its unit, then the two ratios the optimizer is judged by. */
    public static String text(String model, String level, ModelStats s, long batch) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s at -%s, batch %d:%n", model, level, batch));
        line(out, "ops", s.ops() + " graph ops before optimization");
        line(out, "kernels", s.kernels() + " run-time kernels after optimization");
        line(out, "arena_bytes", bytes(s.arenaBytes()) + " planned scratch arena");
        line(out, "naive_bytes", bytes(s.naiveBytes()) + " every intermediate in its own slot (-O0)");
        line(out, "weight_bytes", bytes(s.weightBytes()) + " parameters");
        line(out, "flops", s.flops() < 1000 ? s.flops() + " FLOP per batch element"
                : String.format(Locale.ROOT, "%d (%s) per batch element", s.flops(), scaled(s.flops(), "FLOP")));
        line(out, "arena/naive", String.format(Locale.ROOT, "%.3f", s.arenaRatio()));
        line(out, "kernels/ops", String.format(Locale.ROOT, "%.3f", s.kernelRatio()));
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format(Locale.ROOT, "  %-13s %s%n", key, value));
    }

    private static String bytes(long b) { return b < 1000 ? b + " B" : b + " B (" + scaled(b, "B") + ")"; }

    /** 1536 -> "1.54 kB": decimal prefixes, three significant digits. */
    static String scaled(long v, String unit) {
        String[] prefixes = {"", "k", "M", "G", "T", "P"};
        double x = v;
        int i = 0;
        while (Math.abs(x) >= 1000 && i < prefixes.length - 1) {
            x /= 1000;
            i++;
        }
        return i == 0 ? v + " " + unit : String.format(Locale.ROOT, "%.3g %s%s", x, prefixes[i], unit);
    }
}
