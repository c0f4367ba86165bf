package dev.slimfit.kernels.cpu;

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

/**
 * The fast CPU kernels: Panama Vector API over off-heap segments, spread over a configurable number of threads.
 * The thread count defaults to the {@value #THREADS_PROPERTY} system property, else the available processors.
 */
public final class CpuKernels implements KernelProvider {

    /** System property that sets the default thread count of {@link #defaultInstance()}. */
    public static final String THREADS_PROPERTY = "slimfit.cpu.threads";

    private static volatile CpuKernels defaultInstance;

    private final Parallel parallel;

    private final Gemm gemm;
    private final Elementwise elementwise;
    private final Activations activations;
    private final Softmax softmax;
    private final LayerNorm layerNorm;
    private final Embedding embedding;
    private final Dropout dropout;
    private final Losses losses;
    private final Reductions reductions;
    private final Optimizers optimizers;
    private final Codecs codecs;

    public CpuKernels(int threads) {
        this.parallel = Parallel.withThreads(threads);
        this.gemm = new CpuGemm(parallel);
        this.elementwise = new CpuElementwise(parallel);
        this.activations = new CpuActivations(parallel);
        this.softmax = new CpuSoftmax(parallel);
        this.layerNorm = new CpuLayerNorm(parallel);
        this.embedding = new CpuEmbedding(parallel);
        this.dropout = new CpuDropout(parallel);
        this.losses = new CpuLosses(parallel);
        this.reductions = new CpuReductions(parallel);
        this.optimizers = new CpuOptimizers(parallel);
        this.codecs = new CpuCodecs(parallel);
    }

    /** The shared instance with the default thread count. */
    public static CpuKernels defaultInstance() {
        CpuKernels instance = defaultInstance;
        if (instance == null) {
            synchronized (CpuKernels.class) {
                instance = defaultInstance;
                if (instance == null) {
                    instance = new CpuKernels(defaultThreads());
                    defaultInstance = instance;
                }
            }
        }
        return instance;
    }

    /** The {@value #THREADS_PROPERTY} property if set, else the available processors. */
    public static int defaultThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads < 1) {
                throw new NumberFormatException();
            }
            return threads;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY
                    + " must be a positive integer, got '" + value + "'");
        }
    }

    public int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return "cpu-" + parallel.threads() + "t";
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
