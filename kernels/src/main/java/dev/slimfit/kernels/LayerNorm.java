package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Layer normalisation over the last dimension of a {@code rows × cols} float32 matrix:
 * {@code x̂ = (x − mean)·rstd}, {@code rstd = 1/√(var + eps)} with the biased variance, {@code y = x̂·gamma + beta}.
 */
public interface LayerNorm {

    /**
     * Writes {@code y} and, when not null, the per-row {@code mean} and {@code rstd} ({@code rows} floats each) that
     * backward needs. {@code beta} may be null (no shift).
     */
    void forward(int rows, int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                 MemorySegment y, MemorySegment mean, MemorySegment rstd);

    /**
     * Gradients from the saved input: with {@code g = dy⊙gamma},
     * {@code dx = rstd·(g − mean_c(g) − x̂·mean_c(g⊙x̂))}, {@code dgamma = Σ_r dy⊙x̂}, {@code dbeta = Σ_r dy}.
     * Each of {@code dx}, {@code dgamma}, {@code dbeta} may be null (not wanted); those given are overwritten.
     */
    void backward(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd, MemorySegment gamma,
                  MemorySegment dy, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta);

    /**
     * The same gradients from the normalised output {@code x̂} and {@code rstd} instead of the input: what a
     * LayerNorm keeps when its saved activation is x̂ (possibly decoded from a compressed copy).
     */
    void backwardFromNormalized(int rows, int cols, MemorySegment xhat, MemorySegment rstd, MemorySegment gamma,
                                MemorySegment dy, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta);
}
