/**
 * The nnc command: check, run, and --emit of each stage.
 */
package dev.nnc.cli;
