package dev.nnc.ir.kernel;

import dev.nnc.ir.Dim;
import java.util.ArrayList;
import java.util.List;

/**
 * Largest values that symbolic sizes may take at run time, implied by a program's kernels: a
 * slice whose length is symbolic but whose source axis is fixed (the first S rows of a
 * position-embedding table) can only read as many entries as that axis has. Every backend
 * checks these before any kernel runs and refuses larger inputs with a message.
 */
public final class SizeLimits {
    private SizeLimits() {}

    /** {@code size} must be at most {@code max}; {@code what} says why, for the message. */
    public record Limit(Dim size, long max, String what) {}

    public static List<Limit> of(KernelProgram p) {
        List<Limit> out = new ArrayList<>();
        for (Kernel k : p.kernels()) {
            if (!(k instanceof Kernel.Slice s)) continue;
            List<Dim> x = s.x().type().shape().dims(), len = s.out().type().shape().dims();
            for (int d = 0; d < x.size(); d++) {
                if (len.get(d).isKnown() || !x.get(d).isKnown()) continue;
                long available = x.get(d).known().getAsLong() - s.starts().get(d);
                long max = available <= 0 ? 0 : (available - 1) / s.steps().get(d) + 1;
                out.add(new Limit(len.get(d), max, "the model reads the first " + len.get(d) + " entries of axis " + d
                        + " of '" + s.x().name() + "' (" + ProgramSignature.typeText(s.x()) + ")"));
            }
        }
        return List.copyOf(out);
    }
}
