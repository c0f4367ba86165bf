package dev.slimfit.engine;

import dev.slimfit.engine.cuda.CudaDevice;
import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.cuda.CudaAvailability;
import dev.slimfit.kernels.cuda.CudaKernels;
import dev.slimfit.kernels.ref.RefKernels;

/** The standard devices. Each has its own ledger. */
public final class Devices {

    private static volatile CpuDevice cpu;
    private static volatile CpuDevice reference;
    private static volatile CudaDevice cuda;

    private Devices() {
    }

    /** The host with the Panama kernels and the default thread count ({@link CpuKernels#THREADS_PROPERTY}). */
    public static CpuDevice cpu() {
        CpuDevice d = cpu;
        if (d == null) {
            synchronized (Devices.class) {
                if (cpu == null) {
                    cpu = new CpuDevice("cpu", CpuKernels.defaultInstance());
                }
                d = cpu;
            }
        }
        return d;
    }

    /** The host with the scalar reference kernels: slow, for checking. */
    public static CpuDevice reference() {
        CpuDevice d = reference;
        if (d == null) {
            synchronized (Devices.class) {
                if (reference == null) {
                    reference = new CpuDevice("cpu-ref", RefKernels.INSTANCE);
                }
                d = reference;
            }
        }
        return d;
    }

    /** Whether {@link #cuda()} can succeed here (a GPU, its driver, the built kernels and cuBLAS). */
    public static boolean cudaAvailable() {
        return CudaKernels.isAvailable();
    }

    /**
     * GPU 0 with the CUDA kernels and a caching allocator.
     *
     * @throws IllegalStateException "CUDA unavailable: reason" (no driver, no device, kernels not built, no cuBLAS)
     */
    public static CudaDevice cuda() {
        CudaDevice d = cuda;
        if (d == null) {
            synchronized (Devices.class) {
                if (cuda == null) {
                    if (!CudaKernels.isAvailable()) {
                        throw new IllegalStateException(CudaAvailability.get().describe());
                    }
                    cuda = new CudaDevice(CudaKernels.instance());
                }
                d = cuda;
            }
        }
        return d;
    }
}
