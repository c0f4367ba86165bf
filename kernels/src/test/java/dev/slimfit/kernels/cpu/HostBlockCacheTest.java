package dev.slimfit.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostBlockCacheTest {

    /** A system allocator stand-in that counts what is held from it. */
    private static final class CountingBacking implements HostBlockCache.Backing {
        final Arena arena = Arena.ofAuto();
        long heldBytes;
        long peakHeldBytes;
        int allocations;

        @Override
        public MemorySegment allocate(long bytes) {
            allocations++;
            heldBytes += bytes;
            peakHeldBytes = Math.max(peakHeldBytes, heldBytes);
            return arena.allocate(bytes);
        }

        @Override
        public void free(MemorySegment block) {
            heldBytes -= block.byteSize();
        }
    }

    @Test
    void aFreedBlockIsReusedByTheNextAllocationOfItsSize() {
        CountingBacking backing = new CountingBacking();
        HostBlockCache cache = new HostBlockCache(backing);
        MemorySegment first = cache.allocate(1 << 20);
        cache.free(first, 1 << 20);
        assertSame(first, cache.allocate(1 << 20));
        assertEquals(1, backing.allocations);
        assertEquals(0, cache.cachedBytes());
    }

    @Test
    void heldBytesNeverExceedThePeakInUse() {
        runSteps(true);
    }

    @Test
    void stepsThatRepeatTheirSizesStopAllocatingAfterTheFirst() {
        CountingBacking backing = runSteps(false);
        assertEquals(SIZES.length, backing.allocations, "blocks allocated from the system over 5 steps");
    }

    private static final long[] SIZES = new long[40];

    static {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < SIZES.length; i++) {
            SIZES[i] = (1 + random.nextInt(16)) * 65536L;
        }
    }

    /**
     * Five steps of a "forward" that keeps every block, then a "backward" that frees them in reverse, allocating and
     * freeing a gradient after each: of the freed block's size (as dX has X's shape), or of unrelated sizes.
     */
    private static CountingBacking runSteps(boolean unrelatedGradientSizes) {
        CountingBacking backing = new CountingBacking();
        HostBlockCache cache = new HostBlockCache(backing);
        long peakInUse = 0;
        for (int step = 0; step < 5; step++) {
            List<MemorySegment> live = new ArrayList<>();
            for (long size : SIZES) {
                live.add(cache.allocate(size));
                peakInUse = Math.max(peakInUse, cache.inUseBytes());
                assertTrue(backing.heldBytes <= peakInUse, "held " + backing.heldBytes + " > peak " + peakInUse);
            }
            for (int i = live.size() - 1; i >= 0; i--) {
                cache.free(live.get(i), SIZES[i]);
                long gradientSize = unrelatedGradientSizes ? SIZES[(i * 7) % SIZES.length] / 2 : SIZES[i];
                cache.free(cache.allocate(gradientSize), gradientSize);
                assertTrue(backing.heldBytes <= peakInUse, "held " + backing.heldBytes + " > peak " + peakInUse);
            }
            assertEquals(0, cache.inUseBytes());
        }
        cache.trim();
        assertEquals(0, backing.heldBytes);
        assertEquals(0, cache.cachedBytes());
        return backing;
    }
}
