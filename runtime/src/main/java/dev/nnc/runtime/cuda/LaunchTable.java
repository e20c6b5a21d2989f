package dev.nnc.runtime.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * What the CUDA host needs beside the PTX and the model's signature, as text a generated class
 * carries: the GPU architecture the PTX is for ({@code gpu sm_80}), the arena's size in floats
 * ({@code arena B*1024}) and each kernel's launch, load-time kernels first, in the order they
 * run ({@code prepare SYMBOL THREADS EXTENT PER_BLOCK...}, {@code kernel SYMBOL THREADS EXTENT PER_BLOCK...}).
 * The CUDA backend writes it with {@link #text}; the host reads it with {@link #parse}.
 */
public record LaunchTable(String gpu, String arena, List<KernelLaunch> prepare, List<KernelLaunch> kernels) {

    public LaunchTable {
        prepare = List.copyOf(prepare);
        kernels = List.copyOf(kernels);
    }

    /** The compute capability the PTX needs, as a number: 80 for sm_80. */
    public int sm() { return Integer.parseInt(gpu.substring(gpu.indexOf('_') + 1)); }

    /** Every kernel symbol, load-time ones first. */
    public List<String> symbols() {
        List<String> s = new ArrayList<>();
        for (KernelLaunch l : prepare) s.add(l.symbol());
        for (KernelLaunch l : kernels) s.add(l.symbol());
        return s;
    }

    public String text() {
        StringBuilder s = new StringBuilder("gpu ").append(gpu).append("\narena ").append(arena).append('\n');
        for (KernelLaunch l : prepare) line(s, "prepare", l);
        for (KernelLaunch l : kernels) line(s, "kernel", l);
        return s.toString().stripTrailing();
    }

    private static void line(StringBuilder s, String kind, KernelLaunch l) {
        s.append(kind).append(' ').append(l.symbol()).append(' ').append(l.threads());
        for (int i = 0; i < l.extents().size(); i++) s.append(' ').append(l.extents().get(i)).append(' ').append(l.perBlock().get(i));
        s.append('\n');
    }

    /** @throws IllegalArgumentException on a line this class does not write */
    public static LaunchTable parse(String text) {
        String gpu = null, arena = null;
        List<KernelLaunch> prepare = new ArrayList<>(), kernels = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "gpu" -> gpu = f[1];
                case "arena" -> arena = f[1];
                case "prepare", "kernel" -> {
                    if (f.length < 5 || f.length % 2 == 0) throw new IllegalArgumentException("bad launch line: " + line);
                    List<String> extents = new ArrayList<>();
                    List<Integer> perBlock = new ArrayList<>();
                    for (int i = 3; i < f.length; i += 2) {
                        extents.add(f[i]);
                        perBlock.add(Integer.parseInt(f[i + 1]));
                    }
                    (f[0].equals("prepare") ? prepare : kernels).add(new KernelLaunch(f[1], Integer.parseInt(f[2]), extents, perBlock));
                }
                default -> throw new IllegalArgumentException("bad launch table line: " + line);
            }
        }
        if (gpu == null || arena == null) throw new IllegalArgumentException("a launch table names its gpu and arena size: " + text);
        return new LaunchTable(gpu, arena, prepare, kernels);
    }
}
