package dev.slimfit.engine.cuda;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.kernels.DeviceMemory;
import dev.slimfit.kernels.cuda.CudaKernels;

/**
 * GPU 0 as an engine device ({@code cuda:0}): the CUDA kernels, a {@link CachingAllocator} in front of their raw
 * memory, and this device's ledger. Every tensor buffer comes from the allocator and is in the ledger with its
 * category and owner, as on the CPU; {@link #memoryReport()} adds the pool's and the device's own figures.
 */
public final class CudaDevice implements Device {

    public static final String NAME = "cuda:0";

    private final CudaKernels kernels;
    private final CachingAllocator allocator;
    private final MemoryLedger ledger = new MemoryLedger(NAME);
    private final long usedAtStart;

    public CudaDevice(CudaKernels kernels) {
        this.kernels = kernels;
        this.allocator = new CachingAllocator(NAME, kernels.memory(), AllocationTrace.fromSystemProperty());
        this.usedAtStart = usedBytes();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CudaKernels kernels() {
        return kernels;
    }

    /** The caching allocator (tensor storage comes from here, not from the kernels' raw memory). */
    @Override
    public DeviceMemory memory() {
        return allocator;
    }

    public CachingAllocator allocator() {
        return allocator;
    }

    @Override
    public MemoryLedger ledger() {
        return ledger;
    }

    @Override
    public boolean isHost() {
        return false;
    }

    /** Ledger, pool and device figures now (waits for the device so that cudaMemGetInfo is current). */
    public DeviceMemoryReport memoryReport() {
        allocator.synchronize();
        long[] info = kernels.driver().memoryInfo();
        return new DeviceMemoryReport(NAME, ledger.liveTotal(), ledger.peakTotal(), allocator.allocatedBytes(),
                allocator.peakAllocatedBytes(), allocator.reservedBytes(), allocator.peakReservedBytes(),
                kernels.workspaceBytes(), info[1] - info[0], usedAtStart, info[1]);
    }

    private long usedBytes() {
        long[] info = kernels.driver().memoryInfo();
        return info[1] - info[0];
    }

    @Override
    public String toString() {
        return NAME + " (" + kernels.driver().deviceName() + ")";
    }
}
