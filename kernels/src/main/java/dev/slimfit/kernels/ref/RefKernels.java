package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Activations;
import dev.slimfit.kernels.Codecs;
import dev.slimfit.kernels.DeviceMemory;
import dev.slimfit.kernels.Dropout;
import dev.slimfit.kernels.Elementwise;
import dev.slimfit.kernels.Embedding;
import dev.slimfit.kernels.Gemm;
import dev.slimfit.kernels.KernelProvider;
import dev.slimfit.kernels.LayerNorm;
import dev.slimfit.kernels.Losses;
import dev.slimfit.kernels.Optimizers;
import dev.slimfit.kernels.Reductions;
import dev.slimfit.kernels.Softmax;
import dev.slimfit.kernels.cpu.NativeMemory;

/**
 * The oracle: scalar, single-threaded kernels that accumulate in double and are written to be obviously right,
 * not fast. Every other provider is tested against this one; the engine's gradient checks run on it.
 */
public final class RefKernels implements KernelProvider {

    public static final RefKernels INSTANCE = new RefKernels();

    private final Gemm gemm = new RefGemm();
    private final Elementwise elementwise = new RefElementwise();
    private final Activations activations = new RefActivations();
    private final Softmax softmax = new RefSoftmax();
    private final LayerNorm layerNorm = new RefLayerNorm();
    private final Embedding embedding = new RefEmbedding();
    private final Dropout dropout = new RefDropout();
    private final Losses losses = new RefLosses();
    private final Reductions reductions = new RefReductions();
    private final Optimizers optimizers = new RefOptimizers();
    private final Codecs codecs = new RefCodecs();

    private RefKernels() {
    }

    @Override
    public String name() {
        return "ref";
    }

    @Override
    public DeviceMemory memory() {
        return NativeMemory.INSTANCE;
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public Elementwise elementwise() {
        return elementwise;
    }

    @Override
    public Activations activations() {
        return activations;
    }

    @Override
    public Softmax softmax() {
        return softmax;
    }

    @Override
    public LayerNorm layerNorm() {
        return layerNorm;
    }

    @Override
    public Embedding embedding() {
        return embedding;
    }

    @Override
    public Dropout dropout() {
        return dropout;
    }

    @Override
    public Losses losses() {
        return losses;
    }

    @Override
    public Reductions reductions() {
        return reductions;
    }

    @Override
    public Optimizers optimizers() {
        return optimizers;
    }

    @Override
    public Codecs codecs() {
        return codecs;
    }

    @Override
    public String toString() {
        return name();
    }
}
