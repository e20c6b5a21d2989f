package dev.nnc.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Collects how long each pass ran, in run order, and formats the {@code --time-passes} table. */
final class PassTimer {
    private record Entry(String pass, long nanos) {}

    private final List<Entry> entries = new ArrayList<>();

    void record(String pass, long nanos) { entries.add(new Entry(pass, nanos)); }

    /** One row per pass (name, milliseconds, % of the total) in run order, then the total. */
    String table() {
        long total = entries.stream().mapToLong(Entry::nanos).sum();
        int width = Math.max("total".length(), entries.stream().mapToInt(e -> e.pass().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        String format = "  %-" + width + "s %10s %7s%n";
        sb.append(String.format(Locale.ROOT, format, "pass", "ms", "%"));
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, format, e.pass(), millis(e.nanos()), percent(e.nanos(), total)));
        }
        sb.append(String.format(Locale.ROOT, format, "total", millis(total), total == 0 ? "" : "100.0%"));
        return sb.toString();
    }

    private static String millis(long nanos) { return String.format(Locale.ROOT, "%.3f", nanos / 1e6); }

    private static String percent(long nanos, long total) {
        return total == 0 ? "" : String.format(Locale.ROOT, "%.1f%%", 100.0 * nanos / total);
    }
}
