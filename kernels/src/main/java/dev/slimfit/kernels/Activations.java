package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/** Pointwise activation functions, float32, contiguous. Outputs may alias inputs. */
public interface Activations {

    /** {@code y = x·Φ(x) = 0.5·x·(1 + erf(x/√2))}, the exact (erf) GELU of BERT and ViT. */
    void geluForward(long n, MemorySegment x, MemorySegment y);

    /** {@code dx = dy · (Φ(x) + x·φ(x))}, from the GELU input {@code x}. */
    void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx);

    /** {@code y = tanh(x)}. */
    void tanhForward(long n, MemorySegment x, MemorySegment y);

    /** {@code dx = dy · (1 − y²)}, from the tanh output {@code y}. */
    void tanhBackward(long n, MemorySegment y, MemorySegment dy, MemorySegment dx);
}
