package dev.nnc.cli;

import dev.nnc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How far one output of a backend is from the reference: the largest absolute error, the
 * largest relative error (over elements whose expected value is not 0), and how many
 * elements miss the tolerance; or a problem (missing output, other shape) that fails it outright.
 */
record OutputDiff(String name, String type, double maxAbs, double maxRel, long outside, long size, String problem) {

    boolean pass() { return problem == null && outside == 0; }

    /** Every expected output compared with the actual one of the same name. */
    static List<OutputDiff> compare(Map<String, Tensor> expected, Map<String, Tensor> actual, Tolerance tol) {
        List<OutputDiff> out = new ArrayList<>();
        for (var e : expected.entrySet()) out.add(of(e.getKey(), e.getValue(), actual.get(e.getKey()), tol));
        return out;
    }

    static boolean allPass(List<OutputDiff> diffs) { return diffs.stream().allMatch(OutputDiff::pass); }

    static OutputDiff of(String name, Tensor expected, Tensor actual, Tolerance tol) {
        String type = expected.toString();
        if (actual == null) return new OutputDiff(name, type, 0, 0, 0, expected.size(), "the output is missing");
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            return new OutputDiff(name, type, 0, 0, 0, expected.size(),
                    "shape " + Tensor.shapeString(actual.shape()) + ", expected " + Tensor.shapeString(expected.shape()));
        }
        double maxAbs = 0, maxRel = 0;
        long outside = 0;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            if (!tol.ok(e, a)) outside++;
            double d = Math.abs(a - e);
            if (Double.isNaN(d)) d = Double.isNaN(e) && Double.isNaN(a) ? 0 : Double.POSITIVE_INFINITY;
            if (e == a) d = 0; // equal infinities
            maxAbs = Math.max(maxAbs, d);
            if (e != 0) maxRel = Math.max(maxRel, d / Math.abs(e));
        }
        return new OutputDiff(name, type, maxAbs, maxRel, outside, expected.size(), null);
    }

    /** {@code 'output' f32[2,10]: max abs error 7.45e-09, max rel error 8.20e-08  PASS}. */
    String describe() {
        StringBuilder sb = new StringBuilder("'").append(name).append("' ").append(type).append(": ");
        if (problem != null) return sb.append(problem).append("  FAIL").toString();
        sb.append("max abs error ").append(Tolerance.number(maxAbs)).append(", max rel error ").append(Tolerance.number(maxRel))
                .append("  ");
        if (pass()) return sb.append("PASS").toString();
        return sb.append("FAIL (").append(outside).append(" of ").append(size).append(" elements outside the tolerance)").toString();
    }
}
