package dev.slimfit.kernels;

/**
 * One implementation of every kernel family, plus the memory primitives its buffers live in. The scalar
 * reference, the Panama CPU kernels and the CUDA kernels are interchangeable providers: the engine picks one per
 * device and the test suite runs every available provider against the reference.
 */
public interface KernelProvider {

    /** Short stable name used in test and benchmark reports, e.g. {@code ref}, {@code cpu-2t}, {@code cuda}. */
    String name();

    DeviceMemory memory();

    Gemm gemm();

    Elementwise elementwise();

    Activations activations();

    Softmax softmax();

    LayerNorm layerNorm();

    Embedding embedding();

    Dropout dropout();

    Losses losses();

    Reductions reductions();

    Optimizers optimizers();

    Codecs codecs();
}
