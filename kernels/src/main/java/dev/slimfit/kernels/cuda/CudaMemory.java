package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.DeviceMemory;

import java.lang.foreign.MemorySegment;

/**
 * Raw device memory of the CUDA provider (no caching: the engine's allocator caches and keeps the ledger). A device
 * buffer is {@code MemorySegment.ofAddress(devicePointer).reinterpret(bytes)}: a handle that is never dereferenced
 * on the host, sliced by address arithmetic.
 *
 * <p>Host copies of at least {@link #STAGING_THRESHOLD} bytes go through two pinned staging buffers used in turn: the
 * CPU fills (or drains) one while the DMA engine moves the other, and an event per buffer says when it may be reused.
 * Smaller copies, and every copy from a native segment below the threshold, go straight from pageable memory (the
 * driver stages those itself: the call returns once the source has been read, and device-to-host returns once the
 * data has arrived). Every copy is ordered on the provider's stream.
 */
final class CudaMemory implements DeviceMemory {

    /** Host copies of at least this many bytes are staged through pinned memory. */
    static final long STAGING_THRESHOLD = 1L << 20;
    /** Bytes of each of the two pinned staging buffers. */
    static final long STAGING_CHUNK = 8L << 20;

    private final CudaDriver driver;
    private final MemorySegment[] staging = new MemorySegment[2];
    private final CudaEvent[] stagingFree = new CudaEvent[2];
    private final boolean[] stagingInUse = new boolean[2];

    CudaMemory(CudaDriver driver) {
        this.driver = driver;
    }

    @Override
    public MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("CudaMemory.allocate: negative size " + bytes);
        }
        if (bytes == 0) {
            return MemorySegment.NULL;
        }
        return MemorySegment.ofAddress(driver.allocate(bytes)).reinterpret(bytes);
    }

    @Override
    public void free(MemorySegment buffer) {
        if (buffer.address() != 0) {
            driver.free(buffer.address());
        }
    }

    @Override
    public void copy(MemorySegment src, MemorySegment dst, long bytes) {
        checkSizes("copy", src, dst, bytes);
        if (bytes > 0) {
            driver.copy(dst.address(), src.address(), bytes, CopyDirection.DEVICE_TO_DEVICE);
        }
    }

    @Override
    public void copyFromHost(MemorySegment hostSrc, MemorySegment dst, long bytes) {
        checkSizes("copyFromHost", hostSrc, dst, bytes);
        if (bytes == 0) {
            return;
        }
        if (hostSrc.isNative() && bytes < STAGING_THRESHOLD) {
            driver.copy(dst.address(), hostSrc.address(), bytes, CopyDirection.HOST_TO_DEVICE);
            return;
        }
        stagedToDevice(hostSrc, dst, bytes);
    }

    @Override
    public void copyToHost(MemorySegment src, MemorySegment hostDst, long bytes) {
        checkSizes("copyToHost", src, hostDst, bytes);
        if (bytes == 0) {
            return;
        }
        if (hostDst.isNative() && bytes < STAGING_THRESHOLD) {
            driver.copy(hostDst.address(), src.address(), bytes, CopyDirection.DEVICE_TO_HOST);
            return;
        }
        stagedToHost(src, hostDst, bytes);
    }

    @Override
    public void zero(MemorySegment dst, long bytes) {
        if (bytes > dst.byteSize()) {
            throw new IndexOutOfBoundsException("CudaMemory.zero: " + bytes + " bytes into a buffer of "
                    + dst.byteSize());
        }
        if (bytes > 0) {
            driver.fill(dst.address(), 0, bytes);
        }
    }

    @Override
    public void synchronize() {
        driver.synchronize();
    }

    /** Host → pinned chunk (CPU) then pinned → device (DMA), alternating buffers so the two overlap. */
    private synchronized void stagedToDevice(MemorySegment hostSrc, MemorySegment dst, long bytes) {
        int slot = 0;
        for (long done = 0; done < bytes; done += STAGING_CHUNK, slot ^= 1) {
            long length = Math.min(STAGING_CHUNK, bytes - done);
            MemorySegment buffer = acquire(slot);
            MemorySegment.copy(hostSrc, done, buffer, 0, length);
            driver.copy(dst.address() + done, buffer.address(), length, CopyDirection.HOST_TO_DEVICE);
            release(slot);
        }
    }

    /**
     * Device → pinned chunk (DMA) then pinned → host (CPU): the next chunk's DMA is queued before the CPU drains the
     * previous one.
     */
    private synchronized void stagedToHost(MemorySegment src, MemorySegment hostDst, long bytes) {
        long chunks = LaunchShape.ceilDiv(bytes, STAGING_CHUNK);
        for (long chunk = 0; chunk <= chunks; chunk++) {
            if (chunk < chunks) {
                int slot = (int) (chunk & 1);
                long offset = chunk * STAGING_CHUNK;
                long length = Math.min(STAGING_CHUNK, bytes - offset);
                MemorySegment buffer = acquire(slot);
                driver.copy(buffer.address(), src.address() + offset, length, CopyDirection.DEVICE_TO_HOST);
                release(slot);
            }
            if (chunk > 0) {
                long previous = chunk - 1;
                int slot = (int) (previous & 1);
                long offset = previous * STAGING_CHUNK;
                long length = Math.min(STAGING_CHUNK, bytes - offset);
                MemorySegment buffer = acquire(slot); // waits for its DMA
                MemorySegment.copy(buffer, 0, hostDst, offset, length);
                stagingInUse[slot] = false;
            }
        }
    }

    /** The staging buffer of {@code slot}, after the copy that last used it has finished. */
    private MemorySegment acquire(int slot) {
        if (staging[slot] == null) {
            staging[slot] = MemorySegment.ofAddress(driver.allocatePinned(STAGING_CHUNK)).reinterpret(STAGING_CHUNK);
            stagingFree[slot] = driver.createEvent();
        }
        if (stagingInUse[slot]) {
            stagingFree[slot].synchronize();
            stagingInUse[slot] = false;
        }
        return staging[slot];
    }

    /** Marks the buffer busy until the copy just queued from or into it has finished. */
    private void release(int slot) {
        stagingFree[slot].record();
        stagingInUse[slot] = true;
    }

    /** Pinned staging bytes held (0 until the first large host copy). */
    long stagingBytes() {
        long total = 0;
        for (MemorySegment buffer : staging) {
            total += buffer == null ? 0 : buffer.byteSize();
        }
        return total;
    }

    synchronized void close() {
        for (int slot = 0; slot < 2; slot++) {
            if (staging[slot] != null) {
                stagingFree[slot].synchronize();
                stagingFree[slot].close();
                driver.freePinned(staging[slot].address());
                staging[slot] = null;
            }
        }
    }

    private static void checkSizes(String operation, MemorySegment src, MemorySegment dst, long bytes) {
        if (bytes < 0 || bytes > src.byteSize() || bytes > dst.byteSize()) {
            throw new IndexOutOfBoundsException("CudaMemory." + operation + ": " + bytes + " bytes from a buffer of "
                    + src.byteSize() + " into one of " + dst.byteSize());
        }
    }
}
