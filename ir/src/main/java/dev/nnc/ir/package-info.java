/**
 * Graph IR: ops (Op), typed SSA values with symbolic dims, a text printer and parser, a verifier. The reference interpreter is in dev.nnc.ir.interp.
 */
package dev.nnc.ir;
