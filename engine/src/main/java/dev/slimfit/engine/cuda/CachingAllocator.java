package dev.slimfit.engine.cuda;

import dev.slimfit.kernels.DeviceMemory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching allocator in front of a device's raw memory, as PyTorch's: a freed block is not returned to the driver
 * but kept in a free list of its size class and handed out again for the next request of that class, so a training
 * step after the first makes no cudaMalloc/cudaFree calls (both are slow and cudaFree synchronizes the device). Sizes
 * round up to {@link #SMALL_ROUNDING} bytes below {@link #LARGE_THRESHOLD} and to {@link #LARGE_ROUNDING} above, which
 * bounds the waste while letting similar tensors share a class. Reuse is safe without events because every kernel and
 * copy of the device runs in order on one stream: work queued with the old owner finishes before the new owner's.
 *
 * <p>When the raw allocation fails, the cached blocks are released and the allocation is tried once more. The ledger
 * (kept by the engine's Storage) counts the bytes tensors asked for; this class counts what it holds: blocks in use
 * ({@link #allocatedBytes()}, rounded sizes) and everything it has taken from the driver ({@link #reservedBytes()},
 * in use plus cached), with peaks, so a report can show the gap between counted and real memory.
 */
public final class CachingAllocator implements DeviceMemory {

    /** Requests below this round to {@link #SMALL_ROUNDING}. */
    public static final long LARGE_THRESHOLD = 1L << 20;
    public static final long SMALL_ROUNDING = 512;
    /** Requests of {@link #LARGE_THRESHOLD} and more round to 2 MiB. */
    public static final long LARGE_ROUNDING = 2L << 20;

    private final DeviceMemory raw;
    private final String device;
    /** Free blocks by rounded size. */
    private final TreeMap<Long, ArrayDeque<MemorySegment>> cached = new TreeMap<>();
    /** Blocks in use by address: the raw block (full rounded size) behind each segment handed out. */
    private final Map<Long, MemorySegment> inUse = new HashMap<>();
    private long reserved;
    private long allocated;
    private long peakReserved;
    private long peakAllocated;
    private long rawAllocations;
    private long reuses;

    public CachingAllocator(String device, DeviceMemory raw) {
        this.device = device;
        this.raw = raw;
    }

    /** The size class of a request. */
    public static long roundedSize(long bytes) {
        long unit = bytes < LARGE_THRESHOLD ? SMALL_ROUNDING : LARGE_ROUNDING;
        return (bytes + unit - 1) / unit * unit;
    }

    @Override
    public synchronized MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException(device + ": negative allocation " + bytes);
        }
        if (bytes == 0) {
            return MemorySegment.NULL;
        }
        long size = roundedSize(bytes);
        MemorySegment block = takeCached(size);
        if (block == null) {
            block = allocateRaw(size, bytes);
        }
        inUse.put(block.address(), block);
        allocated += size;
        peakAllocated = Math.max(peakAllocated, allocated);
        return block.asSlice(0, bytes);
    }

    @Override
    public synchronized void free(MemorySegment buffer) {
        if (buffer.address() == 0) {
            return;
        }
        MemorySegment block = inUse.remove(buffer.address());
        if (block == null) {
            throw new IllegalArgumentException(device + ": free of 0x" + Long.toHexString(buffer.address())
                    + ", which this allocator did not hand out (or was freed already)");
        }
        allocated -= block.byteSize();
        cached.computeIfAbsent(block.byteSize(), k -> new ArrayDeque<>()).push(block);
    }

    /** Returns every cached (free) block to the driver; blocks in use stay. */
    public synchronized void releaseCached() {
        raw.synchronize();
        for (ArrayDeque<MemorySegment> blocks : cached.values()) {
            for (MemorySegment block : blocks) {
                raw.free(block);
                reserved -= block.byteSize();
            }
        }
        cached.clear();
    }

    @Override
    public void copy(MemorySegment src, MemorySegment dst, long bytes) {
        raw.copy(src, dst, bytes);
    }

    @Override
    public void copyFromHost(MemorySegment hostSrc, MemorySegment dst, long bytes) {
        raw.copyFromHost(hostSrc, dst, bytes);
    }

    @Override
    public void copyToHost(MemorySegment src, MemorySegment hostDst, long bytes) {
        raw.copyToHost(src, hostDst, bytes);
    }

    @Override
    public void zero(MemorySegment dst, long bytes) {
        raw.zero(dst, bytes);
    }

    @Override
    public void synchronize() {
        raw.synchronize();
    }

    /** Bytes taken from the driver and not given back: blocks in use plus cached blocks. */
    public synchronized long reservedBytes() {
        return reserved;
    }

    /** Bytes of the blocks in use (rounded sizes). */
    public synchronized long allocatedBytes() {
        return allocated;
    }

    public synchronized long peakReservedBytes() {
        return peakReserved;
    }

    public synchronized long peakAllocatedBytes() {
        return peakAllocated;
    }

    /** Bytes held in the free lists. */
    public synchronized long cachedBytes() {
        return reserved - allocated;
    }

    /** Allocations that went to the driver. */
    public synchronized long rawAllocations() {
        return rawAllocations;
    }

    /** Allocations served from the cache. */
    public synchronized long reuses() {
        return reuses;
    }

    /** Starts a new measurement window: the peaks become the current values. */
    public synchronized void resetPeaks() {
        peakReserved = reserved;
        peakAllocated = allocated;
    }

    private MemorySegment takeCached(long size) {
        ArrayDeque<MemorySegment> blocks = cached.get(size);
        if (blocks == null || blocks.isEmpty()) {
            return null;
        }
        reuses++;
        MemorySegment block = blocks.pop();
        if (blocks.isEmpty()) {
            cached.remove(size);
        }
        return block;
    }

    private MemorySegment allocateRaw(long size, long requested) {
        MemorySegment block;
        try {
            block = raw.allocate(size);
        } catch (RuntimeException firstFailure) {
            if (cached.isEmpty()) {
                throw outOfMemory(requested, size, firstFailure);
            }
            releaseCached();
            try {
                block = raw.allocate(size);
            } catch (RuntimeException secondFailure) {
                throw outOfMemory(requested, size, secondFailure);
            }
        }
        rawAllocations++;
        reserved += size;
        peakReserved = Math.max(peakReserved, reserved);
        return block;
    }

    private IllegalStateException outOfMemory(long requested, long size, RuntimeException cause) {
        return new IllegalStateException(device + ": out of memory allocating " + requested + " bytes (block of "
                + size + "); this allocator holds " + reserved + " bytes, " + allocated + " in use: "
                + cause.getMessage(), cause);
    }
}
