package dev.nnc.runtime;

import java.util.List;
import java.util.Map;

/**
 * A compiled model, whatever backend made it: named inputs and outputs with their declared
 * types, and a general {@link #run} over named tensors. Generated classes add typed
 * {@code predict} methods that take and fill plain arrays without allocating.
 */
public interface Model {

    List<TensorSpec> inputs();

    List<TensorSpec> outputs();

    /**
     * Runs the model. Inputs are checked by name, element type and shape; a mismatch throws
     * IllegalArgumentException naming the input and both shapes. Returns new output tensors.
     */
    Map<String, Tensor> run(Map<String, Tensor> inputs);

    /** What the model runs on: backend, vector width, threads, and any scalar paths taken. */
    String backendInfo();
}
