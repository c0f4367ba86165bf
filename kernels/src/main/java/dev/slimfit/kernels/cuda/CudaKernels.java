package dev.slimfit.kernels.cuda;

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

import java.util.Optional;

/**
 * The CUDA provider (name {@code cuda}): device 0, one stream, cuBLAS for GEMMs and the hand-written kernels of
 * native/src for everything else. Buffers are device pointers wrapped as zero-copy MemorySegment handles. Work is
 * asynchronous on the stream; {@link DeviceMemory#synchronize()} waits for it, and the calls that must return or throw
 * something the device computed (a change metric, an index check) wait by themselves.
 *
 * <p>{@link #instance()} gives the process-wide provider, or throws with the reason CUDA is unavailable
 * ({@link CudaAvailability}). {@code -D}{@value #TF32_PROPERTY}{@code =true} lets cuBLAS use TF32 tensor cores.
 */
public final class CudaKernels implements KernelProvider {

    /** {@code -Dslimfit.cuda.tf32=true}: float32 GEMMs may use TF32 tensor cores (off by default, as in PyTorch). */
    public static final String TF32_PROPERTY = "slimfit.cuda.tf32";

    private static volatile CudaKernels instance;

    private final CudaDriver driver;
    private final CudaExecution execution;
    private final CudaMemory memory;
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

    /** A provider over {@code driver} (the real one, or a test double). */
    CudaKernels(CudaDriver driver) {
        this.driver = driver;
        this.execution = new CudaExecution(driver);
        this.memory = new CudaMemory(driver);
        this.gemm = new CudaGemm(execution);
        this.elementwise = new CudaElementwise(execution);
        this.activations = new CudaActivations(execution);
        this.softmax = new CudaSoftmax(execution);
        this.layerNorm = new CudaLayerNorm(execution);
        this.embedding = new CudaEmbedding(execution);
        this.dropout = new CudaDropout(execution);
        this.losses = new CudaLosses(execution);
        this.reductions = new CudaReductions(execution);
        this.optimizers = new CudaOptimizers(execution);
        this.codecs = new CudaCodecs(execution);
        driver.tensorFloat32(Boolean.getBoolean(TF32_PROPERTY));
    }

    /** Whether {@link #instance()} can succeed on this machine. */
    public static boolean isAvailable() {
        return CudaAvailability.get().available();
    }

    /**
     * The provider of device 0, created on first use.
     *
     * @throws IllegalStateException "CUDA unavailable: reason" where it cannot be used
     */
    public static CudaKernels instance() {
        CudaKernels result = instance;
        if (result == null) {
            synchronized (CudaKernels.class) {
                if (instance == null) {
                    CudaAvailability availability = CudaAvailability.get();
                    if (!availability.available()) {
                        throw new IllegalStateException(availability.describe());
                    }
                    instance = new CudaKernels(ProfilingCudaDriver.wrapIfRequested(
                            new JavaCppCudaDriver(availability.fatbin())));
                }
                result = instance;
            }
        }
        return result;
    }

    /** Restarts the {@code -Dslimfit.cuda.profile} totals, e.g. at the first timed step; nothing when it is off. */
    public void restartProfile() {
        if (driver instanceof ProfilingCudaDriver profiler) {
            profiler.restart();
        }
    }

    /** The {@code -Dslimfit.cuda.profile} table since the last restart; empty when profiling is off. */
    public Optional<String> profileReport() {
        return driver instanceof ProfilingCudaDriver profiler ? Optional.of(profiler.report()) : Optional.empty();
    }

    /** The driver underneath (device queries, events for timing, memory info). */
    public CudaDriver driver() {
        return driver;
    }

    /** Lets cuBLAS use TF32 tensor cores for float32 GEMMs, or not. */
    public void tensorFloat32(boolean enabled) {
        driver.tensorFloat32(enabled);
    }

    /** Device bytes the provider holds for itself (the multi-stage kernels' workspace), outside any ledger. */
    public long workspaceBytes() {
        synchronized (execution) {
            return execution.scratch().workspaceBytes() + DeviceScratch.STATUS_BYTES;
        }
    }

    /** Pinned host bytes of the copy staging buffers. */
    public long stagingBytes() {
        return memory.stagingBytes();
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public DeviceMemory memory() {
        return memory;
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

    /** Releases the provider's own buffers and the driver (tests with a private driver; the shared one lives on). */
    void close() {
        memory.close();
        execution.close();
        driver.close();
    }

    @Override
    public String toString() {
        return name();
    }
}
