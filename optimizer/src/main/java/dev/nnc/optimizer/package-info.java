/**
 * Passes over graph IR and kernel IR (constant folding, fusion, layout, memory planning). Takes graph IR, produces optimized graph IR and kernel IR. Its passes arrive with the optimizer issue; the module exists now so the dependency direction (optimizer depends on ir only) is fixed from the start.
 */
package dev.nnc.optimizer;
