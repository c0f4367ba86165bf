package dev.slimfit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Freed large host blocks kept for reuse by an allocation of exactly the same size, bounded so that the bytes held
 * (in use + cached) never exceed the highest in-use total seen so far.
 *
 * <p>Why: a training step allocates and frees the same large buffers every step. Handed back to the system each time
 * (they are mmap'ed, see {@link NativeMemory#MMAP_THRESHOLD_BYTES}), every page is faulted in and zeroed again by the
 * kernel on first touch: about 0.3 million page faults per MiniLM step at batch 16, roughly a third of its CPU time.
 * Why the bound: a cache that only grows would make the process's peak RSS follow everything ever allocated rather
 * than the ledger's peak (the PyTorch behaviour SlimFit's users complain about). With the bound, the held bytes are
 * at most the peak of in-use bytes, so peak RSS still falls with the ledger; when a new block would break it, cached
 * blocks are freed first, largest first.
 */
final class HostBlockCache {

    /** Freeing and allocating a block in the system allocator; separated out so that tests can count the calls. */
    interface Backing {
        MemorySegment allocate(long bytes);

        void free(MemorySegment block);
    }

    private final Backing backing;
    private final TreeMap<Long, ArrayDeque<MemorySegment>> freeBySize = new TreeMap<>();
    private long inUseBytes;
    private long cachedBytes;
    private long peakInUseBytes;

    HostBlockCache(Backing backing) {
        this.backing = backing;
    }

    /** A block of {@code bytes} (already rounded by the caller): a cached one of that size, else a new one. */
    synchronized MemorySegment allocate(long bytes) {
        inUseBytes += bytes;
        peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
        ArrayDeque<MemorySegment> sameSize = freeBySize.get(bytes);
        if (sameSize != null) {
            MemorySegment block = sameSize.pop();
            if (sameSize.isEmpty()) {
                freeBySize.remove(bytes);
            }
            cachedBytes -= bytes;
            return block;
        }
        evictUntilWithinPeak();
        try {
            return backing.allocate(bytes);
        } catch (RuntimeException | Error e) {
            inUseBytes -= bytes;
            throw e;
        }
    }

    /** Takes back a block of {@code bytes} allocated here; keeping it cannot break the bound (in-use falls as much). */
    synchronized void free(MemorySegment block, long bytes) {
        inUseBytes -= bytes;
        freeBySize.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(block);
        cachedBytes += bytes;
    }

    /** Frees every cached block (e.g. between phases whose buffer sizes differ, or before measuring RSS afresh). */
    synchronized void trim() {
        for (ArrayDeque<MemorySegment> blocks : freeBySize.values()) {
            blocks.forEach(backing::free);
        }
        freeBySize.clear();
        cachedBytes = 0;
        peakInUseBytes = inUseBytes;
    }

    synchronized long inUseBytes() {
        return inUseBytes;
    }

    synchronized long cachedBytes() {
        return cachedBytes;
    }

    private void evictUntilWithinPeak() {
        Iterator<Map.Entry<Long, ArrayDeque<MemorySegment>>> largestFirst = freeBySize.descendingMap().entrySet()
                .iterator();
        while (inUseBytes + cachedBytes > peakInUseBytes && largestFirst.hasNext()) {
            Map.Entry<Long, ArrayDeque<MemorySegment>> entry = largestFirst.next();
            ArrayDeque<MemorySegment> blocks = entry.getValue();
            while (!blocks.isEmpty() && inUseBytes + cachedBytes > peakInUseBytes) {
                backing.free(blocks.pop());
                cachedBytes -= entry.getKey();
            }
            if (blocks.isEmpty()) {
                largestFirst.remove();
            }
        }
    }
}
