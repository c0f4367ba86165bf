package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Raw memory of one device: allocation without bookkeeping (the engine's allocator adds ownership and the memory
 * ledger on top) and copies. Host segments are ordinary readable {@link MemorySegment}s; device segments follow the
 * buffer convention of this package.
 */
public interface DeviceMemory {

    /** Alignment in bytes of every allocation. */
    long ALIGNMENT = 64;

    /** A new buffer of {@code bytes} bytes, aligned to {@link #ALIGNMENT}; its contents are undefined. */
    MemorySegment allocate(long bytes);

    /** Releases a buffer returned by {@link #allocate}; the segment must not be used afterwards. */
    void free(MemorySegment buffer);

    /** Copies {@code bytes} bytes between two buffers of this device. */
    void copy(MemorySegment src, MemorySegment dst, long bytes);

    /** Copies {@code bytes} bytes from host memory into a buffer of this device. */
    void copyFromHost(MemorySegment hostSrc, MemorySegment dst, long bytes);

    /** Copies {@code bytes} bytes from a buffer of this device into host memory. */
    void copyToHost(MemorySegment src, MemorySegment hostDst, long bytes);

    /** Sets {@code bytes} bytes of a buffer to zero. */
    void zero(MemorySegment dst, long bytes);

    /** Waits until all work queued on this device has finished (a no-op on synchronous devices). */
    void synchronize();
}
