package dev.slimfit.engine.cuda;

import dev.slimfit.kernels.DeviceMemory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A caching allocator in front of a device's raw memory, after PyTorch's: memory is taken from the driver in segments
 * and handed out as blocks carved from them; a freed block is not returned to the driver but merges with its free
 * neighbours and serves the next request it fits (best fit, split when the rest is still useful), so a training step
 * after the first makes no cudaMalloc/cudaFree calls (both are slow and cudaFree synchronizes the device).
 *
 * <p>Block sizes round up to {@link #BLOCK_ROUNDING} bytes. Requests up to {@link #SMALL_REQUEST} share
 * {@link #SMALL_SEGMENT} segments; larger ones below {@link #LARGE_SEGMENT_REQUEST} share {@link #LARGE_SEGMENT}
 * segments; the rest get a segment of their own, rounded to {@link #SEGMENT_ROUNDING}. Small and large blocks live in
 * separate pools, so a small tensor never splits a large block. Packing blocks into shared segments is what keeps the
 * device's memory close to the ledger: with a segment per block, rounded to 2 MiB, BERT-base's 2.25 MiB weight
 * matrices, their gradients and AdamW moments each held 4 MiB, and the pool peaked 21% above the ledger on an H100.
 * Reuse is safe without events because every kernel and copy of the device runs in order on one stream: work queued
 * with the old owner finishes before the new owner's.
 *
 * <p>Cached memory never raises the peak by itself: when a request that no free block fits would take the reserved
 * bytes above their high-water mark (the most ever reserved), whole free segments are returned to the driver first,
 * largest first, until it would not, or none is left. Without this, a segment freed in one phase (AdamW moments
 * released by slimfit+, a large buffer of the first step) sat cached beside the new segments of the next: replaying
 * recorded GPU traces ({@link AllocatorReplay}), the MiniLM fine-tuning job reserved 16%, 30% and 66% more than its
 * blocks in use at their peak in full, slimfit and slimfit+ modes, and 8%, 12% and 14% with the rule; BERT-base's
 * step 4.7% and 3.0%. Steady training steps take no new segments either way, because below the high-water mark
 * nothing is released (releasing whole segments on every miss made BERT-base's step take about a hundred segments a
 * step, each cudaFree a device synchronization).
 *
 * <p>When the raw allocation fails, the segments with nothing in use are released and the allocation is tried once
 * more. The ledger (kept by the engine's Storage) counts the bytes tensors asked for; this class counts what it
 * holds: blocks in use ({@link #allocatedBytes()}, rounded sizes) and everything it has taken from the driver
 * ({@link #reservedBytes()}, in use plus cached), with peaks, so a report can show the gap between counted and real
 * memory.
 */
public final class CachingAllocator implements DeviceMemory {

    /** Every block size is a multiple of this. */
    public static final long BLOCK_ROUNDING = 512;
    /** Requests up to this size are small: they come from {@link #SMALL_SEGMENT} segments. */
    public static final long SMALL_REQUEST = 1L << 20;
    public static final long SMALL_SEGMENT = 2L << 20;
    /** Requests below this size (and above {@link #SMALL_REQUEST}) come from {@link #LARGE_SEGMENT} segments. */
    public static final long LARGE_SEGMENT_REQUEST = 10L << 20;
    public static final long LARGE_SEGMENT = 20L << 20;
    /** A request of {@link #LARGE_SEGMENT_REQUEST} or more gets a segment of its own, rounded to this. */
    public static final long SEGMENT_ROUNDING = 2L << 20;

    private final DeviceMemory raw;
    private final String device;
    private final AllocationTrace trace;
    /** Free blocks of each pool, smallest first (then by address), for best fit. */
    private final TreeSet<Block> smallFree = new TreeSet<>(BY_SIZE_THEN_ADDRESS);
    private final TreeSet<Block> largeFree = new TreeSet<>(BY_SIZE_THEN_ADDRESS);
    /** Blocks in use by address. */
    private final Map<Long, Block> inUse = new HashMap<>();
    private long reserved;
    private long allocated;
    private long peakReserved;
    /** The most ever reserved (not reset by {@link #resetPeaks()}): the level cached memory may not push past. */
    private long highWater;
    private long peakAllocated;
    private long rawAllocations;
    private long reuses;

    private static final Comparator<Block> BY_SIZE_THEN_ADDRESS =
            Comparator.comparingLong((Block b) -> b.size).thenComparingLong(b -> b.address);

    /** A piece of one segment; blocks of a segment are linked in address order. */
    private static final class Block {
        final MemorySegment segment;
        final boolean small;
        long address;
        long size;
        boolean free = true;
        Block previous;
        Block next;

        Block(MemorySegment segment, boolean small, long address, long size) {
            this.segment = segment;
            this.small = small;
            this.address = address;
            this.size = size;
        }

        /** The whole segment, nothing split off. */
        boolean isWholeSegment() {
            return previous == null && next == null;
        }
    }

    public CachingAllocator(String device, DeviceMemory raw) {
        this(device, raw, AllocationTrace.NONE);
    }

    /** An allocator that reports every request, free and peak reset to {@code trace}. */
    public CachingAllocator(String device, DeviceMemory raw, AllocationTrace trace) {
        this.device = device;
        this.raw = raw;
        this.trace = trace;
    }

    /** The block size of a request. */
    public static long roundedSize(long bytes) {
        return (bytes + BLOCK_ROUNDING - 1) / BLOCK_ROUNDING * BLOCK_ROUNDING;
    }

    /** The size of the segment a request that no free block fits gets from the driver. */
    static long segmentSize(long blockSize) {
        if (blockSize <= SMALL_REQUEST) {
            return SMALL_SEGMENT;
        }
        if (blockSize < LARGE_SEGMENT_REQUEST) {
            return LARGE_SEGMENT;
        }
        return (blockSize + SEGMENT_ROUNDING - 1) / SEGMENT_ROUNDING * SEGMENT_ROUNDING;
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
        boolean small = size <= SMALL_REQUEST;
        TreeSet<Block> pool = small ? smallFree : largeFree;
        Block block = pool.ceiling(new Block(null, small, 0, size));
        if (block != null) {
            pool.remove(block);
            reuses++;
        } else {
            releaseWholeSegmentsBelowHighWater(pool, segmentSize(size));
            MemorySegment segment = allocateRaw(segmentSize(size), bytes);
            block = new Block(segment, small, segment.address(), segment.byteSize());
        }
        split(block, size, pool);
        block.free = false;
        inUse.put(block.address, block);
        allocated += block.size;
        peakAllocated = Math.max(peakAllocated, allocated);
        trace.allocated(block.address, bytes);
        return block.segment.asSlice(block.address - block.segment.address(), bytes);
    }

    @Override
    public synchronized void free(MemorySegment buffer) {
        if (buffer.address() == 0) {
            return;
        }
        Block block = inUse.remove(buffer.address());
        if (block == null) {
            throw new IllegalArgumentException(device + ": free of 0x" + Long.toHexString(buffer.address())
                    + ", which this allocator did not hand out (or was freed already)");
        }
        trace.freed(block.address);
        allocated -= block.size;
        block.free = true;
        TreeSet<Block> pool = block.small ? smallFree : largeFree;
        if (block.previous != null && block.previous.free) {
            Block previous = block.previous;
            pool.remove(previous);
            absorbNext(previous);
            block = previous;
        }
        if (block.next != null && block.next.free) {
            pool.remove(block.next);
            absorbNext(block);
        }
        pool.add(block);
    }

    /** Returns every segment with nothing in use to the driver; segments with a block in use stay. */
    public synchronized void releaseCached() {
        releaseWholeSegments(smallFree, Long.MAX_VALUE);
        releaseWholeSegments(largeFree, Long.MAX_VALUE);
    }

    /**
     * Before {@code pool} takes a segment of {@code segmentBytes}: keeps the reserved bytes at or below the high-water
     * mark with that pool's whole free segments (the other pool's stay: they would only be taken again).
     */
    private void releaseWholeSegmentsBelowHighWater(TreeSet<Block> pool, long segmentBytes) {
        long excess = reserved + segmentBytes - highWater;
        if (excess > 0) {
            releaseWholeSegments(pool, excess);
        }
    }

    /** Returns whole free segments of {@code pool} to the driver, largest first, until {@code bytes} are released. */
    private void releaseWholeSegments(TreeSet<Block> pool, long bytes) {
        List<Block> whole = new ArrayList<>(pool.stream().filter(Block::isWholeSegment).toList());
        if (whole.isEmpty()) {
            return;
        }
        whole.sort(Comparator.comparingLong((Block b) -> b.size).reversed());
        raw.synchronize(); // no queued work may still use a segment handed back
        long released = 0;
        for (Block block : whole) {
            if (released >= bytes) {
                break;
            }
            pool.remove(block);
            raw.free(block.segment);
            reserved -= block.segment.byteSize();
            released += block.segment.byteSize();
        }
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
        trace.peaksReset();
        peakReserved = reserved;
        peakAllocated = allocated;
    }

    /**
     * Cuts {@code block} down to {@code size} when the rest can serve another request of its pool: any rest in the
     * small pool, more than {@link #SMALL_REQUEST} in the large one (a smaller rest stays with the block).
     */
    private static void split(Block block, long size, TreeSet<Block> pool) {
        long rest = block.size - size;
        boolean useful = block.small ? rest >= BLOCK_ROUNDING : rest > SMALL_REQUEST;
        if (!useful) {
            return;
        }
        Block remainder = new Block(block.segment, block.small, block.address + size, rest);
        remainder.previous = block;
        remainder.next = block.next;
        if (block.next != null) {
            block.next.previous = remainder;
        }
        block.next = remainder;
        block.size = size;
        pool.add(remainder);
    }

    /** Merges {@code block}'s free successor into it (both out of their pool). */
    private static void absorbNext(Block block) {
        Block next = block.next;
        block.size += next.size;
        block.next = next.next;
        if (next.next != null) {
            next.next.previous = block;
        }
    }

    private MemorySegment allocateRaw(long size, long requested) {
        MemorySegment segment;
        try {
            segment = raw.allocate(size);
        } catch (RuntimeException firstFailure) {
            releaseCached();
            try {
                segment = raw.allocate(size);
            } catch (RuntimeException secondFailure) {
                throw outOfMemory(requested, size, secondFailure);
            }
        }
        rawAllocations++;
        reserved += size;
        peakReserved = Math.max(peakReserved, reserved);
        highWater = Math.max(highWater, reserved);
        return segment;
    }

    private IllegalStateException outOfMemory(long requested, long size, RuntimeException cause) {
        return new IllegalStateException(device + ": out of memory allocating " + requested + " bytes (segment of "
                + size + "); this allocator holds " + reserved + " bytes, " + allocated + " in use: "
                + cause.getMessage(), cause);
    }
}
