/**
 * The .nn frontend: parse (grammar), AST, imports, names, types and shapes with symbolic dims, diagnostics; lowers each model to graph IR (dev.nnc.ir).
 */
package dev.nnc.frontend;
