package dev.nnc.optimizer.kernel;

import dev.nnc.ir.Dim;
import dev.nnc.ir.Shape;
import dev.nnc.ir.TensorType;
import dev.nnc.ir.kernel.Buf;
import dev.nnc.ir.kernel.Kernel;
import dev.nnc.ir.kernel.Kernel.Conv2d;
import dev.nnc.ir.kernel.Kernel.Elementwise;
import dev.nnc.ir.kernel.Kernel.Epilogue;
import dev.nnc.ir.kernel.Kernel.Layout;
import dev.nnc.ir.kernel.Kernel.Pool2d;
import dev.nnc.ir.kernel.Kernel.Reduce;
import dev.nnc.ir.kernel.KernelProgram;
import dev.nnc.ir.kernel.Space;
import dev.nnc.optimizer.KernelPass;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses NCHW or NHWC for the convolutions and the layout-agnostic kernels around them, and
 * inserts the transposes at the borders of the NHWC regions.
 *
 * <p><b>What may go NHWC</b>: a convolution with {@code groups = 1}; a pooling; an elementwise
 * kernel with a 4-d output whose inputs are full-size (the output's shape) or broadcast in a
 * way that reads the same memory in both layouts (per-channel {@code [C,1,1]}, re-viewed as
 * {@code [C]}; a single channel; scalars); a reduction over H and W (global pooling), whose
 * [N, C] result is the same memory in both layouts, so it ends a region for free. Epilogue
 * inputs follow the elementwise rule. A kernel writing a program output, and everything else
 * (views such as flatten, softmax, matmul, ...), reads and writes NCHW.
 *
 * <p><b>How it chooses</b>: every such kernel k gets a 0/1 variable x_k (1 = NHWC) with a cost
 * per layout from {@link CostModel} (convolutions and pooling; the others cost the same either
 * way). A value stored in one layout and read in the other is converted once, whatever the
 * number of readers, at the cost of a transpose (nothing when C = 1 or H = W = 1: then it is
 * a view). An NCHW value that NHWC kernels read only as the x of convolutions (a region's entry,
 * typically the model's input image) need not be converted: those convolutions can read it as
 * it is ({@code input_layout=nchw}), their patch gather converting it, which costs each of them
 * {@link CostModel#convNchwInput} instead of its NHWC cost; the conversion edge then costs the
 * smaller of the transpose and those differences. The total is minimized exactly as a minimum
 * s-t cut: per value, one node says
 * "an NHWC copy exists" and one "no NCHW copy exists", tied to the readers and the writer by
 * infinite edges. Ties go to NCHW, so nothing changes where NHWC gains nothing. Sizes are
 * costed with every symbol bound to {@link #ASSUMED_SYMBOL} (the batch at which the models are
 * measured).
 *
 * <p><b>Rewrite</b>: an NHWC kernel keeps its storage but views it permuted ([N,H,W,C]); a
 * conversion writes a new arena slot after the old arena, placed just before its first reader;
 * a convolution reading an unconverted NCHW x keeps it as it is.
 * Runs before memory planning, which then packs the new slots with the rest.
 */
public final class LayoutAssignment implements KernelPass {
    /** The value every symbolic dim (the batch) takes when sizes are costed. */
    static final long ASSUMED_SYMBOL = 32;
    /** Added to every NHWC cost so that equal costs keep NCHW (microseconds). */
    private static final double TIE = 1e-3;

    private final CostModel model;

    public LayoutAssignment() { this(CostModel.MEASURED); }

    /** With another cost model (tests force the choice with one). */
    LayoutAssignment(CostModel model) { this.model = model; }

    @Override public String name() { return "layout"; }

    @Override public String description() {
        return "choose NCHW or NHWC per convolution and region by a measured cost model, with transposes at region borders";
    }

    @Override public KernelProgram run(KernelProgram in) {
        for (Kernel k : in.kernels()) {
            if (k instanceof Conv2d c && c.layout() != Layout.NCHW || k instanceof Pool2d p && p.layout() != Layout.NCHW) {
                return in; // layouts already chosen
            }
        }
        return new Plan(in, model).apply();
    }

    // ---------------------------------------------------------------------------------------
    // Cost model

    /** A convolution's sizes, NCHW view, with every symbol bound. */
    record ConvShape(long n, long c, long h, long w, long o, long oh, long ow, int kh, int kw, int sh, int sw,
                     boolean padded) {
        double flops() { return 2.0 * n * o * oh * ow * c * kh * kw; }
    }

    /** A pooling's sizes, NCHW view, with every symbol bound. */
    record PoolShape(long n, long c, long h, long w, long oh, long ow, int kh, int kw) {}

    /** Estimated microseconds of the kernels whose layout is chosen, and of the conversions. */
    interface CostModel {
        double conv(ConvShape s, Layout layout);

        double pool(PoolShape s, Layout layout);

        /** One transpose of an [n, c, h, w] tensor into NHWC ({@code toNhwc}) or back. */
        double transpose(long n, long c, long h, long w, boolean toNhwc);

        /**
         * An NHWC convolution that reads an NCHW x itself, its patch gather converting the
         * layout; by default exactly as dear as reading NHWC, so that the conversion is free.
         */
        default double convNchwInput(ConvShape s) { return conv(s, Layout.NHWC); }

        /**
         * Fitted to {@code LayoutCalibration} on the reference machine (one thread, AVX-512); see
         * the "Layout" section of benchmarks/README.md for the table and the fit.
         */
        CostModel MEASURED = new MeasuredCosts();
    }

    /**
     * Microseconds on one thread (the choice only compares costs, and both kernels split over
     * threads alike): work at a rate plus per-element overheads, the constants fitted by
     * non-negative least squares on relative error to the 22 convolutions (in each layout, and
     * NHWC reading NCHW), 6 poolings and 44 transposes of {@code LayoutCalibration}
     * (benchmarks/README.md, "Layout"):
     * <ul>
     *   <li>NCHW convolution, an implicit GEMM per image {@code W[O,K] · col[K, pixels]}: pixels
     *       are columns, over the padded width at stride 1, computed in panels of 32 or, for the
     *       last 16 or fewer, 16 (a 3×3 image computes 16 columns and keeps 9); each 8×32 tile
     *       pays per step of K; the column panels are gathered per K·column, a vector copy at
     *       stride 1 but element by element at other strides; outputs beyond 4M floats go to
     *       memory. Within 9% of the measured time except a one-channel first layer (-16%),
     *       1×1 64→256 at 56×56 (+21%) and batch-8 1×1 at 56×56 (-13%).</li>
     *   <li>NHWC convolution, one GEMM {@code patches[N·OH·OW, K] · Wt[K, O]}: rows in groups of
     *       8, output channels in panels of 16; the im2col copy costs per element and per
     *       contiguous run (KH runs of KW·C per pixel); a 1×1 stride-1 convolution reads x in
     *       place. Within 6% except the 7×7/2 stem (-15%) and batch-8 1×1 at 56×56 (-26%).</li>
     *   <li>NHWC convolution gathering an NCHW x (or one channel at stride 1 or 2, where the
     *       kernel does the same) into 8-row GEMM panels ({@link #panels}): a vector copy per K
     *       column of each 8 output pixels that read no padding, element by element (and per
     *       tap) for the others; the packed GEMM. Within 7% of the 22 shapes except 3×3/2 at 56×56
     *       (-11%), 1×1 256→64 at 56×56 (-8%) and batch-8 1×1 at 56×56 (-22%).</li>
     *   <li>Pooling: per window element read; NHWC streams whole channel vectors, from cache
     *       below 1M input floats.</li>
     *   <li>Transposes: per element, more for few channels (a [N, 3, HW] tile is mostly empty)
     *       and beyond 4M floats.</li>
     * </ul>
     */
    static final class MeasuredCosts implements CostModel {
        static final double NCHW_GFLOPS = 332, NCHW_TILE_STEP_US = 5.47e-4, NCHW_GATHER_US = 1.18e-4,
                NCHW_STRIDED_GATHER_US = 1.0e-3, NCHW_OUT_US = 1.66e-4, NCHW_MEMORY_OUT_US = 1.38e-4;
        static final double NHWC_GFLOPS = 222, NHWC_IM2COL_US = 8.5e-6, NHWC_RUN_US = 2.77e-3, NHWC_OUT_US = 5.0e-5,
                NHWC_MEMORY_OUT_US = 1.34e-4;
        static final double PANEL_GFLOPS = 253, PANEL_COPY_US = 8.4e-4, PANEL_ELEMENT_US = 2.9e-4, PANEL_TAP_US = 2.7e-3,
                PANEL_OUT_US = 6.7e-5, PANEL_MEMORY_OUT_US = 5.4e-5;
        /** Outputs beyond this many floats are written to memory, not cache. */
        static final long CACHED_OUTPUTS = 1 << 22;
        static final double POOL_NCHW_US = 4.3e-4, POOL_NHWC_CACHED_US = 0.8e-4, POOL_NHWC_US = 2.2e-4;
        static final long POOL_CACHED_FLOATS = 1 << 20;
        static final double TRANSPOSE_US = 5.5e-4, TRANSPOSE_PER_CHANNEL_US = 1.3e-3, TRANSPOSE_MEMORY_US = 2.0e-4;

        @Override public double conv(ConvShape s, Layout layout) {
            long k = s.c() * s.kh() * s.kw();
            long outputs = s.n() * s.o() * s.oh() * s.ow();
            double memory = outputs > CACHED_OUTPUTS ? outputs : 0;
            boolean unitStride = s.sh() == 1 && s.sw() == 1;
            if (layout == Layout.NCHW) {
                long wp = s.w() + (s.padded() ? s.kw() - 1 : 0);
                long cols = unitStride ? (s.oh() - 1) * wp + s.ow() : s.oh() * s.ow();
                long panels = cols / 32 * 32 + (cols % 32 == 0 ? 0 : cols % 32 <= 16 ? 16 : 32);
                long tiles = s.n() * ((s.o() + 7) / 8) * ((cols + 31) / 32);
                double gathered = (double) s.n() * k * roundUp(cols, 32);
                return 2.0 * s.n() * roundUp(s.o(), 8) * panels * k / (NCHW_GFLOPS * 1e3)
                        + NCHW_TILE_STEP_US * tiles * k
                        + gathered * (unitStride ? NCHW_GATHER_US : NCHW_STRIDED_GATHER_US)
                        + NCHW_OUT_US * outputs + NCHW_MEMORY_OUT_US * memory;
            }
            boolean direct = s.kh() == 1 && s.kw() == 1 && unitStride && !s.padded();
            if (s.c() == 1 && s.h() * s.w() > 1 && s.sw() <= 2 && !direct) return panels(s); // as the kernel does
            long rows = roundUp(s.n() * s.oh() * s.ow(), 8);
            return 2.0 * rows * roundUp(s.o(), 16) * k / (NHWC_GFLOPS * 1e3)
                    + (direct ? 0 : NHWC_IM2COL_US * rows * k + NHWC_RUN_US * rows * s.kh())
                    + NHWC_OUT_US * outputs + NHWC_MEMORY_OUT_US * memory;
        }

        /** The NCHW gather: into 8-row panels, as {@link #panels} says; one channel or pixel reads as NHWC. */
        @Override public double convNchwInput(ConvShape s) {
            boolean sameMemory = s.c() == 1 || s.h() * s.w() == 1;
            return sameMemory ? conv(s, Layout.NHWC) : panels(s);
        }

        /**
         * The NHWC convolution gathering x into 8-row GEMM panels (an NCHW x, or one channel): a
         * vector copy per K column of each group of 8 output pixels that reads no padding (at
         * stride 1 or 2; at stride 1 also when it wraps onto the next output row), the other
         * rows element by element, plus a cost per tap; the packed GEMM; the outputs. Padding is
         * taken as split evenly, which the shape alone cannot tell.
         */
        double panels(ConvShape s) {
            long k = s.c() * s.kh() * s.kw();
            long outputs = s.n() * s.o() * s.oh() * s.ow();
            long[] groups = panelGroups(s);
            long scalarRows = groups[1];
            return 2.0 * roundUp(s.n() * s.oh() * s.ow(), 8) * roundUp(s.o(), 16) * k / (PANEL_GFLOPS * 1e3)
                    + PANEL_COPY_US * groups[0] * k
                    + scalarRows * (PANEL_ELEMENT_US * k + PANEL_TAP_US * s.kh() * s.kw())
                    + PANEL_OUT_US * outputs + (outputs > CACHED_OUTPUTS ? PANEL_MEMORY_OUT_US * outputs : 0);
        }

        /** Over the batch: groups of 8 output pixels copied by vectors, and pixels copied element by element. */
        static long[] panelGroups(ConvShape s) {
            long pixels = s.oh() * s.ow();
            if (s.sw() > 2 || pixels > 1 << 24) return new long[] {0, s.n() * pixels};
            long pt = s.padded() ? Math.max(0, (s.oh() - 1) * s.sh() + s.kh() - s.h()) / 2 : 0;
            long pl = s.padded() ? Math.max(0, (s.ow() - 1) * s.sw() + s.kw() - s.w()) / 2 : 0;
            long vector = 0, scalar = 0;
            for (long g = 0; g < pixels; g += 8) {
                long oy = g / s.ow(), ox = g % s.ow(), first = s.ow() - ox;
                boolean whole = g + 8 <= pixels;
                if (whole && ox + 8 <= s.ow() && inside(s, pt, pl, oy, ox, ox + 7)
                        || whole && s.sw() == 1 && first < 8 && 8 - first <= s.ow() && oy + 1 < s.oh()
                        && inside(s, pt, pl, oy, ox, s.ow() - 1) && inside(s, pt, pl, oy + 1, 0, 7 - first)) {
                    vector++;
                } else {
                    scalar += Math.min(8, pixels - g);
                }
            }
            return new long[] {s.n() * vector, s.n() * scalar};
        }

        private static boolean inside(ConvShape s, long pt, long pl, long oy, long ox0, long ox1) {
            long iy = oy * s.sh() - pt;
            return iy >= 0 && iy + s.kh() - 1 < s.h() && ox0 * s.sw() - pl >= 0 && ox1 * s.sw() - pl + s.kw() - 1 < s.w();
        }

        @Override public double pool(PoolShape s, Layout layout) {
            double reads = (double) s.n() * s.c() * s.oh() * s.ow() * s.kh() * s.kw();
            if (layout == Layout.NCHW) return reads * POOL_NCHW_US;
            boolean cached = s.n() * s.c() * s.h() * s.w() <= POOL_CACHED_FLOATS;
            return reads * (cached ? POOL_NHWC_CACHED_US : POOL_NHWC_US);
        }

        @Override public double transpose(long n, long c, long h, long w, boolean toNhwc) {
            long elements = n * c * h * w;
            return elements * (TRANSPOSE_US + TRANSPOSE_PER_CHANNEL_US / Math.max(c, 1)
                    + (elements > CACHED_OUTPUTS ? TRANSPOSE_MEMORY_US : 0));
        }

        private static long roundUp(long x, long m) { return (x + m - 1) / m * m; }
    }

    // ---------------------------------------------------------------------------------------
    // The plan: values, choices, rewrite

    /** How a kernel takes part: fixed NCHW, output follows its layout, or only its input does (H·W reduction). */
    private enum Role { FIXED, FLEX, READS_ONLY }

    /** How a kernel reads one operand. */
    private enum Use {
        /** The value in the kernel's layout (conv/pool x, full-size elementwise and epilogue inputs). */
        FULL,
        /** A broadcast input whose memory reads the same in both layouts: re-viewed when NHWC. */
        FREE,
        /** Input 0 of an in-place elementwise kernel: the same storage, so the same layout as the writer. */
        TIE,
        /** In NCHW whatever the kernel's layout (weights, biases, every read of a fixed kernel). */
        NCHW
    }

    /** One value: what one kernel wrote into a storage (or an input or weight), until overwritten. */
    private static final class Value {
        final int writer; // -1: input, weight or derived weight
        final Buf buf;
        /** The 4-d NCHW shape FULL readers read it with, or null. */
        List<Dim> shape4;
        final List<Integer> fullReaders = new ArrayList<>();
        final List<Integer> tieReaders = new ArrayList<>();
        boolean nchwRead;
        int nhwcNode = -1, noNchwNode = -1;
        /**
         * fusable: its FULL readers are all convolutions reading it as x, which may read it as
         * NCHW themselves instead of through an NHWC copy; fused: they will, as their gathers
         * cost less in all than the transpose.
         */
        boolean fusable, fused;
        // after the cut
        boolean nhwc;
        Buf nhwcCopy, nchwCopy;

        Value(int writer, Buf buf) {
            this.writer = writer;
            this.buf = buf;
        }
    }

    private record Storage(Space space, String name, Dim offset) {
        static Storage of(Buf b) { return new Storage(b.space(), b.name(), b.offset()); }
    }

    private static final class Plan {
        private final KernelProgram program;
        private final CostModel model;
        private final List<Kernel> kernels;
        private final Map<String, Long> bindings = new HashMap<>();
        private final Role[] roles;
        /** Per kernel: the value and use of each operand, in ins() order. */
        private final List<List<Value>> reads = new ArrayList<>();
        private final List<List<Use>> uses = new ArrayList<>();
        private final List<Value> values = new ArrayList<>();
        private final int[] node;
        private boolean[] nhwc;

        Plan(KernelProgram program, CostModel model) {
            this.program = program;
            this.model = model;
            this.kernels = program.kernels();
            this.roles = new Role[kernels.size()];
            this.node = new int[kernels.size()];
            for (Buf b : program.inputs()) for (Dim d : b.type().shape().dims()) symbols(d);
        }

        private void symbols(Dim d) {
            switch (d) {
                case Dim.Known k -> { }
                case Dim.Sym s -> bindings.put(s.name(), ASSUMED_SYMBOL);
                case Dim.Expr e -> {
                    symbols(e.left());
                    symbols(e.right());
                }
            }
        }

        KernelProgram apply() {
            analyze();
            if (Arrays.stream(roles).noneMatch(r -> r != Role.FIXED)) return program;
            if (!choose()) return program;
            return rewrite();
        }

        // ---- analysis --------------------------------------------------------------------

        private void analyze() {
            Map<Storage, Value> current = new HashMap<>();
            for (int i = 0; i < kernels.size(); i++) {
                Kernel k = kernels.get(i);
                List<Value> vs = new ArrayList<>();
                for (Buf b : k.ins()) {
                    vs.add(current.computeIfAbsent(Storage.of(b), s -> {
                        Value v = new Value(-1, b);
                        values.add(v);
                        return v;
                    }));
                }
                reads.add(vs);
                List<Use> u = classify(k, vs);
                if (u != null && !oneShapePerValue(k, vs, u)) u = null;
                roles[i] = u == null ? Role.FIXED : k instanceof Reduce ? Role.READS_ONLY : Role.FLEX;
                if (u == null) u = new ArrayList<>(java.util.Collections.nCopies(vs.size(), Use.NCHW));
                uses.add(u);
                for (int j = 0; j < vs.size(); j++) {
                    Value v = vs.get(j);
                    switch (u.get(j)) {
                        case FULL -> {
                            if (v.shape4 == null) v.shape4 = dims(k.ins().get(j));
                            if (!v.fullReaders.contains(i)) v.fullReaders.add(i);
                        }
                        case TIE -> v.tieReaders.add(i);
                        case FREE, NCHW -> v.nchwRead = true;
                    }
                }
                Value out = new Value(i, k.out());
                if (roles[i] == Role.FLEX) out.shape4 = dims(k.out());
                values.add(out);
                current.put(Storage.of(k.out()), out);
            }
            for (Value v : values) v.fusable = !v.fullReaders.isEmpty() && v.fullReaders.stream().allMatch(r -> readsOnlyAsX(r, v));
        }

        /** Whether kernel r is a convolution whose only FULL read of v is its x. */
        private boolean readsOnlyAsX(int r, Value v) {
            if (!(kernels.get(r) instanceof Conv2d)) return false;
            for (int j = 1; j < reads.get(r).size(); j++) {
                if (reads.get(r).get(j) == v && uses.get(r).get(j) == Use.FULL) return false;
            }
            return reads.get(r).getFirst() == v;
        }

        /** Whether the kernel's FULL reads of one value all view it with one shape (its NHWC form is one view). */
        private static boolean oneShapePerValue(Kernel k, List<Value> vs, List<Use> u) {
            Map<Value, List<Dim>> seen = new java.util.IdentityHashMap<>();
            for (int j = 0; j < vs.size(); j++) {
                if (u.get(j) != Use.FULL) continue;
                List<Dim> before = seen.putIfAbsent(vs.get(j), dims(k.ins().get(j)));
                if (before != null && !before.equals(dims(k.ins().get(j)))) return false;
            }
            return true;
        }

        /** Each operand's use when the kernel may change layout, or null when it stays NCHW. */
        private List<Use> classify(Kernel k, List<Value> vs) {
            if (k.out().space() != Space.ARENA) return null;
            List<Buf> ins = k.ins();
            List<Use> u = new ArrayList<>(java.util.Collections.nCopies(ins.size(), Use.NCHW));
            switch (k) {
                case Conv2d c -> {
                    if (c.groups() != 1 || rank(c.x()) != 4 || !full(c.x(), vs.get(0), dims(c.x()))) return null;
                    u.set(0, Use.FULL);
                    int first = ins.size() - c.epilogue().ins().size();
                    for (int j = first; j < ins.size(); j++) {
                        Use e = elementUse(ins.get(j), vs.get(j), dims(c.out()));
                        if (e == null) return null;
                        u.set(j, e);
                    }
                }
                case Pool2d p -> {
                    if (rank(p.x()) != 4 || !full(p.x(), vs.get(0), dims(p.x()))) return null;
                    u.set(0, Use.FULL);
                }
                case Reduce r -> {
                    if (rank(r.x()) != 4 || !r.axes().equals(List.of(2, 3)) || !full(r.x(), vs.get(0), dims(r.x()))) {
                        return null;
                    }
                    u.set(0, Use.FULL);
                }
                case Elementwise e -> {
                    if (rank(e.out()) != 4) return null;
                    for (int j = 0; j < ins.size(); j++) {
                        if (j == 0 && e.inPlace()) {
                            if (vs.get(0).shape4 != null && !vs.get(0).shape4.equals(dims(e.out()))) return null;
                            u.set(0, Use.TIE);
                            continue;
                        }
                        Use x = elementUse(ins.get(j), vs.get(j), dims(e.out()));
                        if (x == null) return null;
                        u.set(j, x);
                    }
                }
                default -> {
                    return null;
                }
            }
            return u;
        }

        /** A broadcast input to a 4-d output of shape {@code out}: FULL, FREE, or null (stays NCHW). */
        private static Use elementUse(Buf in, Value v, List<Dim> out) {
            if (dims(in).equals(out)) return full(in, v, out) ? Use.FULL : null;
            return free(dims(in)) ? Use.FREE : null;
        }

        /**
         * Whether {@code in} can read v in either layout: with the 4-d shape its NHWC form is
         * defined for (what a layout kernel wrote, else what the first such reader reads).
         */
        private static boolean full(Buf in, Value v, List<Dim> shape) {
            return dims(in).equals(shape) && (v.shape4 == null || v.shape4.equals(shape));
        }

        // ---- choice ----------------------------------------------------------------------

        /** Solves the cut; false when every kernel stays NCHW. */
        private boolean choose() {
            MinCut cut = new MinCut();
            for (int i = 0; i < kernels.size(); i++) {
                node[i] = -1;
                if (roles[i] == Role.FIXED) continue;
                node[i] = cut.node();
                Kernel k = kernels.get(i);
                double c0 = cost(k, Layout.NCHW), c1 = cost(k, Layout.NHWC) + TIE;
                cut.unary(node[i], c0, c1);
            }
            for (Value v : values) {
                int w = v.writer >= 0 && roles[v.writer] == Role.FLEX ? node[v.writer] : -1;
                for (int r : v.tieReaders) {
                    if (w >= 0) cut.same(w, node[r]);
                    else cut.unary(node[r], 0, MinCut.INF);
                }
                if (!v.fullReaders.isEmpty()) {
                    double t = convert(v, true);
                    if (v.fusable) {
                        double fused = 0;
                        for (int r : v.fullReaders) fused += gatherPenalty((Conv2d) kernels.get(r));
                        v.fused = fused < t; // a view (t = 0) stays a view
                        t = Math.min(t, fused);
                    }
                    v.nhwcNode = cut.node();
                    cut.unary(v.nhwcNode, 0, t);
                    if (w >= 0) {
                        cut.atLeast(v.nhwcNode, w);
                        cut.unary(w, t, 0); // the copy is free when the value is NHWC itself
                    }
                    for (int r : v.fullReaders) cut.atLeast(v.nhwcNode, node[r]);
                }
                if (w >= 0) {
                    double t = convert(v, false);
                    v.noNchwNode = cut.node();
                    cut.atLeast(w, v.noNchwNode);
                    cut.unary(w, 0, t);
                    cut.unary(v.noNchwNode, t, v.nchwRead ? MinCut.INF : 0);
                    for (int r : v.fullReaders) cut.atLeast(node[r], v.noNchwNode);
                }
            }
            boolean[] side = cut.solve();
            nhwc = new boolean[kernels.size()];
            boolean any = false;
            for (int i = 0; i < kernels.size(); i++) {
                nhwc[i] = node[i] >= 0 && side[node[i]];
                any |= nhwc[i];
            }
            for (Value v : values) v.nhwc = v.writer >= 0 && roles[v.writer] == Role.FLEX && nhwc[v.writer];
            return any;
        }

        private double cost(Kernel k, Layout layout) {
            return switch (k) {
                case Conv2d c -> model.conv(convShape(c), layout);
                case Pool2d p -> {
                    long[] x = eval(dims(p.x())), out = eval(dims(p.out()));
                    yield model.pool(new PoolShape(x[0], x[1], x[2], x[3], out[2], out[3], p.kernel().get(0),
                            p.kernel().get(1)), layout);
                }
                default -> 0;
            };
        }

        private ConvShape convShape(Conv2d c) {
            long[] x = eval(dims(c.x())), out = eval(dims(c.out())), w = eval(dims(c.weight()));
            boolean padded = c.padding().stream().anyMatch(p -> p != 0);
            return new ConvShape(x[0], x[1], x[2], x[3], out[1], out[2], out[3], (int) w[2], (int) w[3],
                    c.stride().get(0), c.stride().get(1), padded);
        }

        /** What an NHWC convolution pays for gathering an NCHW x itself rather than reading an NHWC copy. */
        private double gatherPenalty(Conv2d c) {
            ConvShape s = convShape(c);
            return Math.max(0, model.convNchwInput(s) - model.conv(s, Layout.NHWC));
        }

        /** Cost of converting v to NHWC (or back): nothing when the two layouts are the same memory. */
        private double convert(Value v, boolean toNhwc) {
            if (trivial(v.shape4)) return 0;
            long[] d = eval(v.shape4);
            return model.transpose(d[0], d[1], d[2], d[3], toNhwc);
        }

        private long[] eval(List<Dim> dims) {
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) out[i] = dims.get(i).eval(bindings);
            return out;
        }

        // ---- rewrite ---------------------------------------------------------------------

        private KernelProgram rewrite() {
            Set<String> names = new HashSet<>();
            for (Kernel k : kernels) {
                if (k.out().space() == Space.ARENA) names.add(k.out().name());
                for (Buf b : k.ins()) if (b.space() == Space.ARENA) names.add(b.name());
            }
            Dim arena = program.arenaSize();
            List<Kernel> out = new ArrayList<>();
            int fresh = 0;
            for (int i = 0; i < kernels.size(); i++) {
                Kernel k = kernels.get(i);
                List<Value> vs = reads.get(i);
                List<Use> us = uses.get(i);
                List<Buf> ins = new ArrayList<>(k.ins());
                boolean nchwX = false;
                for (int j = 0; j < ins.size(); j++) {
                    Value v = vs.get(j);
                    Buf b = ins.get(j);
                    Use u = us.get(j);
                    if (nhwc[i] && (u == Use.FULL || u == Use.TIE)) {
                        if (v.nhwc) {
                            ins.set(j, b.view(permuted(b.type(), v.shape4)));
                            continue;
                        }
                        if (v.fused) {
                            nchwX = true; // a convolution's x, read as it is
                            continue;
                        }
                        if (v.nhwcCopy == null) {
                            TensorType t = permuted(b.type(), v.shape4);
                            if (trivial(v.shape4)) {
                                v.nhwcCopy = b.view(t);
                            } else {
                                v.nhwcCopy = Buf.arena(freshName("nhwc", names, fresh++), arena, t);
                                arena = arena.plus(t.shape().numel());
                                out.add(new Kernel.Transpose(v.nhwcCopy, b, List.of(0, 2, 3, 1)));
                            }
                        }
                        ins.set(j, v.nhwcCopy);
                        continue;
                    }
                    // Read as NCHW memory: the value's own storage, or its NCHW copy when it is NHWC.
                    Buf nchw = b;
                    if (v.nhwc && !trivial(v.shape4)) {
                        if (v.nchwCopy == null) {
                            TensorType t = b.type().withShape(new Shape(v.shape4));
                            v.nchwCopy = Buf.arena(freshName("nchw", names, fresh++), arena, t);
                            arena = arena.plus(t.shape().numel());
                            out.add(new Kernel.Transpose(v.nchwCopy, v.buf.view(permuted(t, v.shape4)), List.of(0, 3, 1, 2)));
                        }
                        nchw = v.nchwCopy.view(b.type());
                    }
                    ins.set(j, nhwc[i] && u == Use.FREE ? reView(nchw) : nchw);
                }
                out.add(rebuild(k, ins, nhwc[i], nchwX));
            }
            return program.withKernels(out, arena);
        }

        /**
         * The kernel with new operands (in ins() order) and, when it goes NHWC, its NHWC form;
         * {@code nchwX}: an NHWC convolution's x stays NCHW.
         */
        private static Kernel rebuild(Kernel k, List<Buf> ins, boolean nhwc, boolean nchwX) {
            if (!nhwc) {
                // Every operand of an NCHW kernel is rewritten by value alone, so a map by buf is exact.
                Map<Buf, Buf> to = new HashMap<>();
                for (int j = 0; j < ins.size(); j++) to.put(k.ins().get(j), ins.get(j));
                return KernelBufs.map(k, b -> b, to::get);
            }
            int epilogue = ins.size();
            return switch (k) {
                case Conv2d c -> {
                    int first = ins.size() - c.epilogue().ins().size();
                    Epilogue e = c.epilogue().ins().isEmpty() ? c.epilogue()
                            : new Epilogue(ins.subList(first, epilogue), c.epilogue().expr());
                    yield new Conv2d(nhwcView(c.out()), ins.get(0), ins.get(1), c.bias() == null ? null : ins.get(2),
                            c.stride(), c.padding(), c.dilation(), c.groups(), Layout.NHWC, nchwX ? Layout.NCHW : Layout.NHWC, e, c.pool());
                }
                case Pool2d p -> new Pool2d(nhwcView(p.out()), ins.get(0), p.kind(), p.kernel(), p.stride(), p.padding(),
                        p.countIncludePad(), Layout.NHWC);
                case Elementwise e -> new Elementwise(nhwcView(e.out()), ins, e.expr());
                case Reduce r -> new Reduce(rank(r.out()) == 4 ? nhwcView(r.out()) : r.out(), ins.get(0), r.kind(),
                        List.of(1, 2));
                default -> throw new IllegalStateException("not a layout kernel: " + k);
            };
        }
    }

    // ---------------------------------------------------------------------------------------
    // Shapes

    private static List<Dim> dims(Buf b) { return b.type().shape().dims(); }

    private static int rank(Buf b) { return b.type().rank(); }

    private static boolean one(Dim d) { return d.equals(Dim.of(1)); }

    /** [N,C,H,W] whose NHWC order is the same memory: one channel, or one pixel. */
    private static boolean trivial(List<Dim> nchw) {
        return one(nchw.get(1)) || one(nchw.get(2)) && one(nchw.get(3));
    }

    /** A broadcast shape (rank up to 4) whose elements lie in the same order when the output is NHWC. */
    private static boolean free(List<Dim> in) {
        if (in.size() > 4) return false;
        List<Dim> p = padded(in);
        return trivial(p);
    }

    private static List<Dim> padded(List<Dim> in) {
        List<Dim> p = new ArrayList<>();
        for (int i = in.size(); i < 4; i++) p.add(Dim.of(1));
        p.addAll(in);
        return p;
    }

    /** A FREE input seen against an NHWC output: [n,c,h,w] as [n,h,w,c] without leading 1s ([C,1,1] becomes [C]). */
    private static Buf reView(Buf in) {
        List<Dim> p = padded(dims(in));
        if (one(p.get(1)) && one(p.get(2)) && one(p.get(3))) return in;
        List<Dim> q = new ArrayList<>(List.of(p.get(0), p.get(2), p.get(3), p.get(1)));
        while (q.size() > 1 && one(q.getFirst())) q.removeFirst();
        return in.view(in.type().withShape(new Shape(q)));
    }

    private static TensorType permuted(TensorType t, List<Dim> nchw) {
        return t.withShape(new Shape(List.of(nchw.get(0), nchw.get(2), nchw.get(3), nchw.get(1))));
    }

    private static Buf nhwcView(Buf out) {
        List<Dim> d = dims(out);
        return out.view(permuted(out.type(), d));
    }

    private static String freshName(String prefix, Set<String> taken, int n) {
        String name = prefix + n;
        while (!taken.add(name)) name = name + "_";
        return name;
    }

    // ---------------------------------------------------------------------------------------
    // Minimum cut

    /**
     * Minimizes a sum of unary costs and "u >= v" constraints over 0/1 variables by a minimum s-t
     * cut (Edmonds-Karp): a node on the sink side is 1. {@code unary(v, c0, c1)} costs c0 when v
     * is 0 and c1 when it is 1; {@code atLeast(u, v)} forbids u = 0 with v = 1.
     */
    static final class MinCut {
        static final double INF = 1e18;
        private static final int S = 0, T = 1;
        private final List<double[]> edges = new ArrayList<>(); // {from, to, capacity}
        private int nodes = 2;

        int node() { return nodes++; }

        void unary(int v, double c0, double c1) {
            double m = Math.min(c0, c1);
            if (c1 - m > 0) edges.add(new double[] {S, v, c1 - m});
            if (c0 - m > 0) edges.add(new double[] {v, T, c0 - m});
        }

        void atLeast(int u, int v) { edges.add(new double[] {u, v, INF}); }

        void same(int u, int v) {
            atLeast(u, v);
            atLeast(v, u);
        }

        /** Which side each node is on: true for the sink side (value 1). */
        boolean[] solve() {
            int n = nodes;
            List<List<int[]>> adj = new ArrayList<>(); // {edge index, direction}
            for (int i = 0; i < n; i++) adj.add(new ArrayList<>());
            double[] cap = new double[edges.size() * 2];
            int[] head = new int[edges.size() * 2];
            for (int e = 0; e < edges.size(); e++) {
                double[] ed = edges.get(e);
                int u = (int) ed[0], v = (int) ed[1];
                cap[2 * e] = ed[2];
                head[2 * e] = v;
                cap[2 * e + 1] = 0;
                head[2 * e + 1] = u;
                adj.get(u).add(new int[] {2 * e});
                adj.get(v).add(new int[] {2 * e + 1});
            }
            int[] via = new int[n];
            while (true) {
                Arrays.fill(via, -1);
                boolean[] seen = new boolean[n];
                seen[S] = true;
                ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(S));
                while (!queue.isEmpty() && !seen[T]) {
                    int u = queue.poll();
                    for (int[] a : adj.get(u)) {
                        int e = a[0], v = head[e];
                        if (!seen[v] && cap[e] > 1e-12) {
                            seen[v] = true;
                            via[v] = e;
                            queue.add(v);
                        }
                    }
                }
                if (!seen[T]) {
                    boolean[] sink = new boolean[n];
                    for (int i = 0; i < n; i++) sink[i] = !seen[i];
                    return sink;
                }
                double push = Double.MAX_VALUE;
                for (int v = T; v != S; v = head[via[v] ^ 1]) push = Math.min(push, cap[via[v]]);
                for (int v = T; v != S; v = head[via[v] ^ 1]) {
                    cap[via[v]] -= push;
                    cap[via[v] ^ 1] += push;
                }
            }
        }
    }
}
