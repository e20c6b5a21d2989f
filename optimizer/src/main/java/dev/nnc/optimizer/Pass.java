package dev.nnc.optimizer;

/** One optimization with one job, run by the {@link PassManager} over one of the two IRs. */
public sealed interface Pass permits GraphPass, KernelPass {
    /** The short name used by {@code --print-after=NAME}, {@code --time-passes} and bisection, e.g. {@code cse}. */
    String name();

    /** One line saying what the pass does, for {@code --help} and reports. */
    String description();
}
