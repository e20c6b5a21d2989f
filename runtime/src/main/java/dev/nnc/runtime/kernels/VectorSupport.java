package dev.nnc.runtime.kernels;

import java.util.Optional;

/**
 * Whether kernels may use the Vector API ({@code jdk.incubator.vector}).
 *
 * <p>The module is an incubator: it is only in the boot layer when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}. Classes that mention vector types ({@code GemmVector}
 * and friends) must only be loaded after {@link #available()} said yes; every kernel therefore has
 * a dispatching front class and a scalar twin that runs anywhere. Setting the system property
 * {@code nnc.scalar=true} forces the scalar twins even when the module is present, which is how
 * the two paths are compared.
 *
 * <p>The answer is computed once, when this class is initialized, so that dispatching classes
 * can keep it in a {@code static final} field the JIT folds away.
 */
public final class VectorSupport {
    private static final String MODULE = "jdk.incubator.vector";
    private static final boolean MODULE_LOADED = moduleLoaded();
    private static final boolean AVAILABLE = MODULE_LOADED && !Boolean.getBoolean("nnc.scalar");

    private VectorSupport() {}

    /** True when the Vector API module is loaded and {@code nnc.scalar} is not {@code "true"}. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** Lanes of the preferred float species (16 on AVX-512), or 1 when vectors are unavailable. */
    public static int floatLanes() {
        return AVAILABLE ? Lanes.FLOAT_LANES : 1;
    }

    /** One line for logs and {@code nnc bench}: which path kernels take and why. */
    public static String describe() {
        if (AVAILABLE) {
            int lanes = Lanes.FLOAT_LANES;
            return "Vector API, " + (lanes * 32) + "-bit (" + lanes + " x f32)";
        }
        if (MODULE_LOADED) {
            return "scalar (nnc.scalar=true)";
        }
        return "scalar (" + MODULE + " not loaded: run with --add-modules " + MODULE + ")";
    }

    private static boolean moduleLoaded() {
        Optional<Module> module = ModuleLayer.boot().findModule(MODULE);
        return module.isPresent();
    }

    /** Separate class so that {@code FloatVector} is resolved only when the module is there. */
    private static final class Lanes {
        static final int FLOAT_LANES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    }
}
