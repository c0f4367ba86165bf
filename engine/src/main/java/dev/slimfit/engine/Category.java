package dev.slimfit.engine;

/**
 * What a buffer is for, set by whoever asks for it and reported separately by the {@link MemoryLedger}: these are
 * the headline numbers of the product, so each byte is in exactly one category at a time.
 */
public enum Category {
    /** Model weights. */
    PARAMETER,
    /** Gradient buffers of parameters that train this step. */
    GRADIENT,
    /** Optimizer moments (AdamW m and v) and other per-parameter optimizer data. */
    OPTIMIZER_STATE,
    /** Tensors kept for the backward pass, counted at their stored (possibly encoded) size. */
    ACTIVATION,
    /** Everything transient: op outputs not (yet) saved, gradients flowing backward, decoded copies, scratch. */
    WORKSPACE
}
