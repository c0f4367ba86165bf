package dev.slimfit.engine.cuda;

import dev.slimfit.kernels.DeviceMemory;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.kernels.cpu.NativeMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caching allocator's bookkeeping over host memory standing in for a device (it needs nothing from CUDA): blocks
 * carved from shared segments, best-fit reuse, merging of free neighbours, no overlap under random traffic, reserved
 * versus in-use bytes and their peaks, release of whole free segments, and the retry after a failed raw allocation.
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

    private static final long MIB = 1L << 20;
    /**
     * Steps after which a repeated pattern of requests is served from the cache alone: the first step leaves a layout
     * that the next ones may still extend, and a segment released to keep the peak down may be taken again once (in
     * 25 random patterns the last new segment came in step 1 or 2, in one other seed in step 5).
     */
    private static final int STEPS_TO_SETTLE = 6;

    @Test
    void blocksRoundTo512BytesAndSegmentsToTheirPool() {
        assertEquals(512, CachingAllocator.roundedSize(1));
        assertEquals(512, CachingAllocator.roundedSize(512));
        assertEquals(1024, CachingAllocator.roundedSize(513));
        assertEquals(3 * MIB + 512, CachingAllocator.roundedSize(3 * MIB + 1));
        assertEquals(CachingAllocator.SMALL_SEGMENT, CachingAllocator.segmentSize(CachingAllocator.SMALL_REQUEST));
        assertEquals(CachingAllocator.LARGE_SEGMENT,
                CachingAllocator.segmentSize(CachingAllocator.SMALL_REQUEST + 512));
        assertEquals(12 * MIB, CachingAllocator.segmentSize(11 * MIB));
    }

    @Test
    void aFreedBlockServesTheNextRequestItFitsWithoutTheDriver() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        int bytes = 1000 + random.nextInt(24); // block of 1024
        MemorySegment first = allocator.allocate(bytes);
        assertEquals(bytes, first.byteSize(), "the segment has the requested size, not the block size");
        allocator.free(first);
        MemorySegment second = allocator.allocate(1024);
        assertEquals(first.address(), second.address(), "best fit: the freed block comes back");
        assertEquals(1, allocator.reuses());
        MemorySegment other = allocator.allocate(2000); // carved from the same small segment
        assertNotEquals(second.address(), other.address());
        assertEquals(1, raw.allocations, "one 2 MiB segment serves both " + random.describe());
        allocator.free(second);
        allocator.free(other);
        allocator.releaseCached();
        assertEquals(0, raw.live);
    }

    @Test
    void weightSizedBlocksShareALargeSegment() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        long weight = 768L * 768 * Float.BYTES; // 2.25 MiB: BERT-base's attention weights, their gradients, moments
        List<MemorySegment> blocks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            blocks.add(allocator.allocate(weight));
        }
        assertEquals(1, raw.allocations, "8 × 2.25 MiB fit one 20 MiB segment");
        assertEquals(8 * weight, allocator.allocatedBytes(), "no rounding beyond 512 bytes");
        assertEquals(CachingAllocator.LARGE_SEGMENT, allocator.reservedBytes());
        MemorySegment small = allocator.allocate(100);
        assertEquals(2, raw.allocations, "a small request never splits a large block");
        assertEquals(CachingAllocator.LARGE_SEGMENT + CachingAllocator.SMALL_SEGMENT, allocator.reservedBytes());
        allocator.free(small);
        blocks.forEach(allocator::free);
        allocator.releaseCached();
        assertEquals(0, raw.live);
        assertEquals(0, allocator.reservedBytes());
    }

    @Test
    void aCachedSegmentThatFitsNothingIsReturnedBeforeThePeakWouldGrow() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        long first = 12 * MIB - random.nextInt(1 << 16); // a 12 MiB segment of its own
        allocator.free(allocator.allocate(first));
        MemorySegment larger = allocator.allocate(14 * MIB);
        assertEquals(1, raw.frees, "the cached 12 MiB segment went back before the 14 MiB one was taken "
                + random.describe());
        assertEquals(14 * MIB, allocator.peakReservedBytes(), "not 26 MiB");
        // below the high-water mark a cached segment stays: a smaller segment taken beside it releases nothing
        allocator.free(larger);
        MemorySegment small = allocator.allocate(100);
        assertEquals(1, raw.frees);
        assertEquals(14 * MIB + CachingAllocator.SMALL_SEGMENT, allocator.reservedBytes());
        allocator.free(small);
        allocator.releaseCached();
        assertEquals(0, raw.live);
    }

    @Test
    void repeatedStepsSettleAndThenTakeNoSegments() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        long[] step = new long[40]; // one training step's requests, freed in a fixed interleaving
        for (int i = 0; i < step.length; i++) {
            int kind = random.nextInt(4);
            step[i] = kind == 0 ? 1 + random.nextInt(1 << 20) : kind == 1 ? MIB + random.nextInt(9 << 20)
                    : (10 + random.nextInt(40)) * MIB + random.nextInt(1 << 20);
        }
        int segmentsAfterSettling = 0;
        for (int repeat = 0; repeat < STEPS_TO_SETTLE + 4; repeat++) {
            List<MemorySegment> live = new ArrayList<>();
            for (int i = 0; i < step.length; i++) {
                live.add(allocator.allocate(step[i]));
                if (i % 3 == 2) {
                    allocator.free(live.remove(live.size() / 2)); // something freed mid-step, as activations are
                }
            }
            live.forEach(allocator::free);
            if (repeat == STEPS_TO_SETTLE - 1) {
                segmentsAfterSettling = raw.allocations;
            }
        }
        assertEquals(segmentsAfterSettling, raw.allocations, "once settled, steps are served from the cache "
                + random.describe());
        allocator.releaseCached();
        assertEquals(0, raw.live);
    }

    @Test
    void freedNeighboursMergeIntoOneBlock() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        MemorySegment a = allocator.allocate(3 * MIB);
        MemorySegment b = allocator.allocate(4 * MIB);
        MemorySegment c = allocator.allocate(5 * MIB);
        assertEquals(a.address() + 3 * MIB, b.address(), "carved in order from one segment");
        allocator.free(b);
        allocator.free(a);
        MemorySegment merged = allocator.allocate(7 * MIB);
        assertEquals(a.address(), merged.address(), "a and b merged: 7 MiB fits where they were");
        assertEquals(1, raw.allocations);
        // with everything free the segment is whole again and goes back to the driver
        allocator.free(merged);
        allocator.free(c);
        allocator.releaseCached();
        assertEquals(1, raw.frees);
        assertEquals(0, raw.live);
    }

    @Test
    void aLargeRequestGetsASegmentOfItsOwnAndItsUsefulRestIsSplitOff() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        MemorySegment big = allocator.allocate(50 * MIB + 1);
        assertEquals(52 * MIB, allocator.reservedBytes(), "rounded to 2 MiB");
        assertEquals(50 * MIB + 512, allocator.allocatedBytes(), "the 2 MiB rest is a free block of its own");
        MemorySegment fromRest = allocator.allocate(3 * MIB / 2);
        assertEquals(big.address() + 50 * MIB + 512, fromRest.address());
        assertEquals(1, raw.allocations);
        allocator.free(big);
        allocator.free(fromRest);
        allocator.releaseCached();
        assertEquals(0, raw.live);
    }

    @Test
    void liveBlocksNeverOverlapAndTheAccountsBalanceUnderRandomTraffic() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        List<MemorySegment> live = new ArrayList<>();
        long requested = 0;
        for (int step = 0; step < 3000; step++) {
            if (!live.isEmpty() && random.nextInt(5) < 2) {
                MemorySegment freed = live.remove(random.nextInt(live.size()));
                requested -= freed.byteSize();
                allocator.free(freed);
            } else {
                int kind = random.nextInt(10);
                long bytes = kind < 6 ? 1 + random.nextInt(64 << 10) // small
                        : kind < 9 ? MIB + 1 + random.nextInt(9 << 20) // shares 20 MiB segments
                        : 10 * MIB + random.nextInt(30 << 20); // a segment of its own
                MemorySegment segment = allocator.allocate(bytes);
                assertEquals(bytes, segment.byteSize());
                live.add(segment);
                requested += bytes;
            }
            assertTrue(allocator.allocatedBytes() >= requested, "in use covers every request " + random.describe());
            assertEquals(raw.live, allocator.reservedBytes(), "reserved is what the driver gave");
        }
        List<MemorySegment> byAddress = new ArrayList<>(live);
        byAddress.sort(Comparator.comparingLong(MemorySegment::address));
        for (int i = 1; i < byAddress.size(); i++) {
            MemorySegment before = byAddress.get(i - 1);
            assertTrue(before.address() + before.byteSize() <= byAddress.get(i).address(),
                    "blocks overlap " + random.describe());
        }
        live.forEach(allocator::free);
        assertEquals(0, allocator.allocatedBytes());
        allocator.releaseCached();
        assertEquals(0, allocator.reservedBytes(), "every segment is whole again once all is free");
        assertEquals(0, raw.live);
    }

    @Test
    void reservedCountsCachedBlocksAndAllocatedOnlyBlocksInUse() {
        CountingMemory raw = new CountingMemory();
        CachingAllocator allocator = new CachingAllocator("test", raw);
        List<MemorySegment> blocks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            blocks.add(allocator.allocate(1 + random.nextInt(3 << 20)));
        }
        long inUse = allocator.allocatedBytes();
        long reservedBefore = allocator.reservedBytes();
        assertEquals(raw.live, reservedBefore, "reserved is what the driver gave " + random.describe());
        for (int i = 0; i < 10; i++) {
            allocator.free(blocks.remove(blocks.size() - 1));
        }
        assertTrue(allocator.allocatedBytes() < inUse);
        assertEquals(reservedBefore, allocator.reservedBytes(), "freed blocks stay reserved in the cache");
        assertEquals(inUse, allocator.peakAllocatedBytes());
        assertEquals(allocator.reservedBytes() - allocator.allocatedBytes(), allocator.cachedBytes());
        allocator.resetPeaks();
        assertEquals(allocator.allocatedBytes(), allocator.peakAllocatedBytes());
        allocator.releaseCached();
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
        MemorySegment cachedBlock = allocator.allocate(12 * MIB); // a 12 MiB segment of its own
        allocator.free(cachedBlock);
        raw.budget = 16 * MIB; // 12 MiB cached + 14 MiB more would not fit
        MemorySegment other = allocator.allocate(11 * MIB); // the cached block serves it
        assertEquals(cachedBlock.address(), other.address());
        allocator.free(other);
        MemorySegment big = allocator.allocate(13 * MIB); // fits only once the cached segment is released
        assertEquals(14 * MIB, allocator.reservedBytes());
        assertEquals(1, raw.frees);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> allocator.allocate(3 * MIB));
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
