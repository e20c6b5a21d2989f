/**
 * The small runtime every compiled model needs and nothing else: tensors, safetensors weights, .npy files, initializers. Depends on nothing.
 */
package dev.nnc.runtime;
