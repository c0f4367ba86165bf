package dev.slimfit.engine.cuda;

import dev.slimfit.kernels.DeviceMemory;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.kernels.cpu.NativeMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caching allocator's bookkeeping over host memory standing in for a device (it needs nothing from CUDA): reuse
 * by size class, reserved versus in-use bytes and their peaks, release of the cache, and the retry after a failed raw
 * allocation.
 */
class CachingAllocatorTest {

    private final TestRandom random = new TestRandom();

    /** Host memory that counts raw calls and can be told to fail above a byte budget, as a full GPU would. */
    private static final class CountingMemory implements DeviceMemory {
        long live;
        long budget = Long.MAX_VALUE;
        int allocations;
        int frees;

        @Override
        public MemorySegment allocate(long bytes) {
            if (live + bytes > budget) {
                throw new IllegalStateException("cudaMalloc failed: out of memory (test budget " + budget + ")");
            }
            allocations++;
            live += bytes;
            return NativeMemory.INSTANCE.allocate(bytes);
        }

        @Override
        public void free(MemorySegment buffer) {
            frees++;
            live -= buffer.byteSize();
            NativeMemory.INSTANCE.free(buffer);
        }

        @Override
        public void copy(MemorySegment src, MemorySegment dst, long bytes) {
            NativeMemory.INSTANCE.copy(src, dst, bytes);
        }

        @Override
        public void copyFromHost(MemorySegment hostSrc, MemorySegment dst, long bytes) {
            NativeMemory.INSTANCE.copyFromHost(hostSrc, dst, bytes);
        }

        @Override
        public void copyToHost(MemorySegment src, MemorySegment hostDst, long bytes) {
            NativeMemory.INSTANCE.copyToHost(src, hostDst, bytes);
        }

        @Override
        public void zero(MemorySegment dst, long bytes) {
            NativeMemory.INSTANCE.zero(dst, bytes);
        }

        @Override
        public void synchronize() {
        }
    }

    @Test
    void sizesRoundToTheirClass() {
        assertEquals(512, CachingAllocator.roundedSize(1));
        assertEquals(512, CachingAllocator.roundedSize(512));
        assertEquals(1024, CachingAllocator.roundedSize(513));
        assertEquals(CachingAllocator.LARGE_ROUNDING, CachingAllocator.roundedSize(CachingAllocator.LARGE_THRESHOLD));
        assertEquals(2 * CachingAllocator.LARGE_ROUNDING,
                CachingAllocator.roundedSize(CachingAllocator.LARGE_ROUNDING + 1));
    }

    @Test
    void aFreedBlockServesTheNextRequestOfItsClassWithoutTheDriver() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        int bytes = 1000 + random.nextInt(24); // class 1024
        MemorySegment first = allocator.allocate(bytes);
        assertEquals(bytes, first.byteSize(), "the segment has the requested size, not the class size");
        allocator.free(first);
        MemorySegment second = allocator.allocate(1024);
        assertEquals(first.address(), second.address(), "same class: the cached block comes back");
        assertEquals(1, raw.allocations, random.describe());
        assertEquals(1, allocator.reuses());
        MemorySegment other = allocator.allocate(2000); // another class: a new block
        assertNotEquals(second.address(), other.address());
        assertEquals(2, raw.allocations);
        allocator.free(second);
        allocator.free(other);
        allocator.releaseCached();
        assertEquals(0, raw.live);
    }

    @Test
    void reservedCountsCachedBlocksAndAllocatedOnlyBlocksInUse() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        List<MemorySegment> blocks = new ArrayList<>();
        long expected = 0;
        for (int i = 0; i < 20; i++) {
            long bytes = 1 + random.nextInt(3 << 20);
            blocks.add(allocator.allocate(bytes));
            expected += CachingAllocator.roundedSize(bytes);
        }
        assertEquals(expected, allocator.allocatedBytes(), random.describe());
        assertEquals(expected, allocator.reservedBytes());
        assertEquals(raw.live, allocator.reservedBytes(), "reserved is what the driver gave");
        for (int i = 0; i < 10; i++) {
            allocator.free(blocks.remove(blocks.size() - 1));
        }
        assertTrue(allocator.allocatedBytes() < expected);
        assertEquals(expected, allocator.reservedBytes(), "freed blocks stay reserved in the cache");
        assertEquals(expected, allocator.peakAllocatedBytes());
        assertEquals(allocator.reservedBytes() - allocator.allocatedBytes(), allocator.cachedBytes());
        allocator.resetPeaks();
        assertEquals(allocator.allocatedBytes(), allocator.peakAllocatedBytes());
        allocator.releaseCached();
        assertEquals(allocator.allocatedBytes(), allocator.reservedBytes(), "only blocks in use remain");
        assertEquals(raw.live, allocator.reservedBytes());
        blocks.forEach(allocator::free);
        allocator.releaseCached();
        assertEquals(0, raw.live);
        assertEquals(0, allocator.reservedBytes());
    }

    @Test
    void aFailedAllocationReleasesTheCacheAndRetries() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        MemorySegment cachedBlock = allocator.allocate(4L << 20);
        allocator.free(cachedBlock);
        raw.budget = 6L << 20; // 4 MiB cached + 4 MiB more would not fit
        MemorySegment other = allocator.allocate(3L << 20); // class 4 MiB: the cached block serves it
        assertEquals(cachedBlock.address(), other.address());
        allocator.free(other);
        MemorySegment big = allocator.allocate(5L << 20); // class 6 MiB: fits only once the cache is released
        assertEquals(6L << 20, allocator.reservedBytes());
        assertEquals(1, raw.frees);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> allocator.allocate(1L << 20));
        assertTrue(full.getMessage().contains("out of memory") && full.getMessage().contains("test"),
                full.getMessage());
        allocator.free(big);
        allocator.releaseCached();
    }

    @Test
    void freeingWhatItDidNotHandOutIsAnError() {
        CachingAllocator allocator = new CachingAllocator("test", new CountingMemory());
        MemorySegment block = allocator.allocate(100);
        allocator.free(block);
        assertThrows(IllegalArgumentException.class, () -> allocator.free(block));
        allocator.free(allocator.allocate(0)); // empty buffers are fine
        allocator.releaseCached();
    }
}
