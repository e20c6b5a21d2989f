package dev.nnc.optimizer.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random graph IR programs for the kernel passes to chew on: convolutions, dense layers
 * (x @ transpose(w) + b), batched matmuls, transposes, reshapes between three shapes of the
 * same elements, softmax, unary and binary elementwise ops with broadcast weights, scalar
 * constants, and weight-only arithmetic; values are read by one or several later ops, and a
 * few become outputs. Every value is f32 with batch B.
 */
final class RandomGraphs {
    private RandomGraphs() {}

    /** The three activation shapes: NCHW, flattened, and the last two dims swapped. */
    private enum Kind {
        A("f32[B,2,4,6]", "[B,2,4,6]"), F("f32[B,48]", "[B,48]"), T("f32[B,2,6,4]", "[B,2,6,4]");

        final String type, shape;

        Kind(String type, String shape) {
            this.type = type;
            this.shape = shape;
        }
    }

    private record Value(int id, Kind kind) {}

    private static final class Builder {
        final StringBuilder text = new StringBuilder();
        final Random rnd;
        final List<Value> values = new ArrayList<>();
        int next, params;

        Builder(Random rnd) { this.rnd = rnd; }

        int node(String rhs) {
            text.append("  %").append(next).append(" = ").append(rhs).append('\n');
            return next++;
        }

        int param(String type) { return node("param {name=\"p" + params++ + "\", init=\"zeros\"} : " + type); }

        Value pick(Kind k) {
            List<Value> of = values.stream().filter(v -> v.kind() == k).toList();
            if (of.isEmpty()) return null;
            // Prefer recent values, so that chains form, but reach back sometimes (values read twice).
            return rnd.nextInt(3) > 0 ? of.getLast() : of.get(rnd.nextInt(of.size()));
        }

        Value any() { return rnd.nextInt(3) > 0 ? values.getLast() : values.get(rnd.nextInt(values.size())); }

        void add(int id, Kind k) { values.add(new Value(id, k)); }

        /** A tensor that broadcasts against kind k: a weight, a weight-derived value, or a scalar constant. */
        int broadcastOperand(Kind k) {
            String vec = switch (k) {
                case A -> rnd.nextBoolean() ? "f32[6]" : "f32[2,1,1]";
                case F -> "f32[48]";
                case T -> "f32[4]";
            };
            return switch (rnd.nextInt(3)) {
                case 0 -> param(vec);
                case 1 -> {
                    int p = param(vec);
                    yield node((rnd.nextBoolean() ? "tanh" : "neg") + "(%" + p + ") : " + vec);
                }
                default -> node("constant {value=" + (rnd.nextInt(5) + 1) * 0.25 + "} : f32[]");
            };
        }

        void step() {
            Value v = any();
            Kind k = v.kind();
            switch (rnd.nextInt(10)) {
                case 0 -> {
                    String fn = List.of("relu", "tanh", "sigmoid", "neg", "abs").get(rnd.nextInt(5));
                    add(node(fn + "(%" + v.id() + ") : " + k.type), k);
                }
                case 1 -> {
                    Value w = pick(k);
                    String fn = List.of("add", "mul", "sub", "maximum").get(rnd.nextInt(4));
                    add(node(fn + "(%" + v.id() + ", %" + w.id() + ") : " + k.type), k);
                }
                case 2 -> {
                    int b = broadcastOperand(k);
                    String fn = List.of("add", "mul", "sub").get(rnd.nextInt(3));
                    boolean left = rnd.nextBoolean();
                    add(node(fn + "(%" + (left ? v.id() : b) + ", %" + (left ? b : v.id()) + ") : " + k.type), k);
                }
                case 3 -> {
                    Kind to = Kind.values()[rnd.nextInt(3)];
                    if (to != k) add(node("reshape(%" + v.id() + ") {shape=" + to.shape + "} : " + to.type), to);
                }
                case 4 -> dense(v);
                case 5 -> {
                    if (k == Kind.A) conv(v);
                    else dense(v);
                }
                case 6 -> {
                    if (k == Kind.F) break;
                    Kind to = k == Kind.A ? Kind.T : Kind.A;
                    add(node("transpose(%" + v.id() + ") {perm=[0,1,3,2]} : " + to.type), to);
                }
                case 7 -> add(node("softmax(%" + v.id() + ") {axis=" + (k == Kind.F ? 1 : 3) + "} : " + k.type), k);
                case 8 -> {
                    // A residual block: conv, activation, then add the block input.
                    if (k != Kind.A) break;
                    conv(v);
                    int h = values.getLast().id();
                    int r = node("relu(%" + h + ") : " + k.type);
                    add(node("add(%" + r + ", %" + v.id() + ") : " + k.type), k);
                }
                default -> {
                    // A batched matmul with a weight on the right, not transposed (T @ [4,4] or A @ [6,6]).
                    if (k == Kind.F) break;
                    int n = k == Kind.A ? 6 : 4;
                    int w = param("f32[" + n + "," + n + "]");
                    add(node("matmul(%" + v.id() + ", %" + w + ") : " + k.type), k);
                }
            }
        }

        /** x @ transpose(w) (+ b) over the last dim, as the stdlib's dense layer. */
        void dense(Value v) {
            int n = switch (v.kind()) {
                case A -> 6;
                case F -> 48;
                case T -> 4;
            };
            int w = param("f32[" + n + "," + n + "]");
            int t = node("transpose(%" + w + ") {perm=[1,0]} : f32[" + n + "," + n + "]");
            int m = node("matmul(%" + v.id() + ", %" + t + ") : " + v.kind().type);
            if (rnd.nextBoolean()) {
                int b = param("f32[" + n + "]");
                m = node("add(%" + m + ", %" + b + ") : " + v.kind().type);
            }
            add(m, v.kind());
        }

        void conv(Value v) {
            int w = param("f32[2,2,3,3]");
            String bias = "";
            if (rnd.nextBoolean()) bias = ", %" + param("f32[2]");
            add(node("conv2d(%" + v.id() + ", %" + w + bias
                    + ") {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1} : " + Kind.A.type), Kind.A);
        }
    }

    /** A random graph of about {@code steps} ops. */
    static String graph(long seed, int steps) {
        Builder b = new Builder(new Random(seed));
        b.text.append("graph R").append(seed).append(" {\n");
        b.add(b.node("input {name=\"x\"} : " + Kind.A.type), Kind.A);
        b.add(b.node("input {name=\"y\"} : " + Kind.F.type), Kind.F);
        for (int i = 0; i < steps; i++) b.step();
        // The last value and one earlier computed value (not an input) are outputs.
        List<Integer> outs = new ArrayList<>(List.of(b.values.getLast().id()));
        Value other = b.values.get(b.rnd.nextInt(b.values.size()));
        if (other.id() > 1 && !outs.contains(other.id())) outs.add(other.id());
        b.text.append("  return ");
        for (int i = 0; i < outs.size(); i++) b.text.append(i == 0 ? "" : ", ").append("out").append(i).append("=%").append(outs.get(i));
        return b.text.append("\n}\n").toString();
    }
}
