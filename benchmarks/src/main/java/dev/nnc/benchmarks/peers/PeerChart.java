package dev.nnc.benchmarks.peers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.style.Styler;

/**
 * A PNG of nnc's speed against its peers, two panels: nnc jvm and nnc native against ONNX
 * Runtime (linear scale, with lines at parity and at the targets' 0.8 and 1.5), and
 * against PyTorch (log scale: the ratios span two orders of magnitude). A ratio is the
 * peer's latency over nnc's, so above 1 nnc is faster.
 */
public final class PeerChart {
    private PeerChart() {}

    public static void write(PeerResults r, Path png, String subtitle) throws IOException {
        List<CategoryChart> panels = new ArrayList<>();
        panels.add(panel(r, "ort", false, subtitle));
        CategoryChart pytorch = panel(r, "pytorch", true, subtitle);
        if (pytorch != null) panels.add(pytorch);
        BitmapEncoder.saveBitmap(panels, panels.size(), 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** One panel; null when no case has both nnc and the peer. */
    private static CategoryChart panel(PeerResults r, String peer, boolean log, String subtitle) {
        List<String> cases = new ArrayList<>();
        List<Double> jvm = new ArrayList<>(), nat = new ArrayList<>();
        for (String model : r.models()) {
            for (int batch : r.batches(model)) {
                var j = r.speedup(model, batch, "jvm", peer);
                var n = r.speedup(model, batch, "native", peer);
                // A log axis cannot show a missing bar as 0: such cases are left out there.
                if (j.isEmpty() && n.isEmpty() || log && (j.isEmpty() || n.isEmpty())) continue;
                cases.add(model + " ×" + batch);
                jvm.add(j.orElse(0.0));
                nat.add(n.orElse(0.0));
            }
        }
        if (cases.isEmpty()) return null;
        String name = PeerTable.NAMES.get(peer);
        CategoryChart chart = new CategoryChartBuilder().width(1400).height(520)
                .title("nnc throughput / " + name + " throughput (" + subtitle + "); above 1: nnc is faster")
                .xAxisTitle("model ×batch").yAxisTitle(log ? "ratio (log scale; line: parity)" : "ratio (lines: targets 0.8 and 1.5, parity 1)").build();
        var s = chart.getStyler();
        s.setYAxisLogarithmic(log);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setXAxisLabelRotation(30);
        s.setYAxisDecimalPattern("0.##");
        if (log) {
            // Bars start at the axis minimum, which a log axis needs above 0: whole decades around the data.
            double lo = java.util.stream.Stream.concat(jvm.stream(), nat.stream()).mapToDouble(Double::doubleValue).min().orElse(1);
            double hi = java.util.stream.Stream.concat(jvm.stream(), nat.stream()).mapToDouble(Double::doubleValue).max().orElse(1);
            s.setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.min(lo, 1)))));
            s.setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(hi, 1)))));
        } else {
            s.setYAxisMin(0.0);
        }
        s.setChartBackgroundColor(Color.WHITE);
        s.setSeriesColors(new Color[] {new Color(0x4C72B0), new Color(0xDD8452)});
        chart.addSeries("nnc jvm / " + name, cases, jvm);
        chart.addSeries("nnc native / " + name, cases, nat);
        chart.addAnnotation(new AnnotationLine(1.0, false, false));
        if (!log) {
            chart.addAnnotation(new AnnotationLine(0.8, false, false));
            chart.addAnnotation(new AnnotationLine(1.5, false, false));
        }
        return chart;
    }
}
