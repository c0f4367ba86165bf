package dev.slimfit.kernels.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CUDA provider's own device memory, outside the engine's ledger because no tensor owns it: a workspace for
 * multi-stage kernels (reduction partials, radix-sort buffers) that grows to the largest request and is reused, and
 * a small status block through which kernels report back (the first invalid index, a row count, a pair of sums),
 * read through pinned host memory. Callers hold the {@link CudaExecution}'s monitor while they use either.
 */
final class DeviceScratch {

    /** Status block layout: first bad position (uint64), counted rows (int32), two doubles, one int32 read-back. */
    static final long FIRST_BAD_OFFSET = 0;
    static final long COUNTED_OFFSET = 8;
    static final long PAIR_OFFSET = 16;
    static final long READ_BACK_OFFSET = 32;
    static final long STATUS_BYTES = 64;
    /** "No bad position": all bits set, as kernels' slimfit::NO_BAD_POSITION. */
    static final long NO_BAD_POSITION = -1L;
    /** Alignment of workspace regions (cudaMalloc's own alignment). */
    static final long REGION_ALIGNMENT = 256;

    private final CudaDriver driver;
    private final MemorySegment statusDevice;
    private final MemorySegment statusHost;
    private final MemorySegment resetHost;
    private MemorySegment workspace = MemorySegment.NULL;

    /** What the kernels reported in the status block. */
    record Status(long firstBadPosition, int counted, double firstSum, double secondSum) {
    }

    DeviceScratch(CudaDriver driver) {
        this.driver = driver;
        this.statusDevice = MemorySegment.ofAddress(driver.allocate(STATUS_BYTES)).reinterpret(STATUS_BYTES);
        this.statusHost = MemorySegment.ofAddress(driver.allocatePinned(STATUS_BYTES)).reinterpret(STATUS_BYTES);
        this.resetHost = MemorySegment.ofAddress(driver.allocatePinned(STATUS_BYTES)).reinterpret(STATUS_BYTES);
        resetHost.fill((byte) 0);
        resetHost.set(ValueLayout.JAVA_LONG, FIRST_BAD_OFFSET, NO_BAD_POSITION);
    }

    MemorySegment firstBadSlot() {
        return statusDevice.asSlice(FIRST_BAD_OFFSET, Long.BYTES);
    }

    MemorySegment countedSlot() {
        return statusDevice.asSlice(COUNTED_OFFSET, Integer.BYTES);
    }

    MemorySegment pairSlot() {
        return statusDevice.asSlice(PAIR_OFFSET, 2 * Double.BYTES);
    }

    /** Queues the reset of the status block: no bad position, count 0, sums 0. */
    void resetStatus() {
        driver.copy(statusDevice.address(), resetHost.address(), STATUS_BYTES, CopyDirection.HOST_TO_DEVICE);
    }

    /** Reads the status block back, waiting for the kernels queued before. */
    Status readStatus() {
        driver.copy(statusHost.address(), statusDevice.address(), STATUS_BYTES, CopyDirection.DEVICE_TO_HOST);
        driver.synchronize();
        return new Status(statusHost.get(ValueLayout.JAVA_LONG, FIRST_BAD_OFFSET),
                statusHost.get(ValueLayout.JAVA_INT, COUNTED_OFFSET),
                statusHost.get(ValueLayout.JAVA_DOUBLE, PAIR_OFFSET),
                statusHost.get(ValueLayout.JAVA_DOUBLE, PAIR_OFFSET + Double.BYTES));
    }

    /** One int32 at a device address, read back now. */
    int readInt(long deviceAddress) {
        long host = statusHost.address() + READ_BACK_OFFSET;
        driver.copy(host, deviceAddress, Integer.BYTES, CopyDirection.DEVICE_TO_HOST);
        driver.synchronize();
        return statusHost.get(ValueLayout.JAVA_INT, READ_BACK_OFFSET);
    }

    /**
     * A workspace of at least {@code bytes} bytes, valid until the next call. Growing it waits for the device first,
     * since kernels queued earlier may still use the old buffer.
     */
    MemorySegment workspace(long bytes) {
        if (bytes > workspace.byteSize()) {
            long size = Math.max(bytes, 2 * workspace.byteSize());
            driver.synchronize();
            if (workspace.address() != 0) {
                driver.free(workspace.address());
            }
            workspace = MemorySegment.NULL;
            workspace = MemorySegment.ofAddress(driver.allocate(size)).reinterpret(size);
        }
        return workspace;
    }

    /** Bytes the workspace holds now. */
    long workspaceBytes() {
        return workspace.byteSize();
    }

    /** Splits a workspace request into aligned regions of the given sizes (in bytes), in order. */
    MemorySegment[] regions(long... sizes) {
        long total = 0;
        long[] offsets = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            offsets[i] = total;
            total += alignUp(sizes[i]);
        }
        MemorySegment space = workspace(Math.max(total, REGION_ALIGNMENT));
        MemorySegment[] out = new MemorySegment[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = space.asSlice(offsets[i], sizes[i]);
        }
        return out;
    }

    void close() {
        driver.synchronize();
        if (workspace.address() != 0) {
            driver.free(workspace.address());
        }
        driver.free(statusDevice.address());
        driver.freePinned(statusHost.address());
        driver.freePinned(resetHost.address());
    }

    private static long alignUp(long bytes) {
        return (bytes + REGION_ALIGNMENT - 1) / REGION_ALIGNMENT * REGION_ALIGNMENT;
    }
}
