package dev.slimfit.engine.cuda;

import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trace written by a live allocator and replayed over a bare address space gives the live allocator's figures:
 * peaks over the whole run and after the last reset, and the segments it took from the driver.
 */
class AllocatorReplayTest {

    private static final long MIB = 1L << 20;
    private final TestRandom random = new TestRandom();

    @TempDir
    Path folder;

    @Test
    void aReplayedTraceReproducesTheLiveAllocatorsPeaksAndSegments() throws IOException {
        Path file = folder.resolve("allocations.trace");
        CachingAllocator live;
        long peakAllocatedBeforeReset;
        long peakReservedBeforeReset;
        long segmentsBeforeReset;
        try (AllocationTrace.ToFile trace = new AllocationTrace.ToFile(Files.newBufferedWriter(file,
                StandardCharsets.US_ASCII))) {
            live = new CachingAllocator("live", new AllocatorReplay.AddressSpace(), trace);
            List<MemorySegment> blocks = new ArrayList<>();
            randomTraffic(live, blocks, 1500);
            peakAllocatedBeforeReset = live.peakAllocatedBytes();
            peakReservedBeforeReset = live.peakReservedBytes();
            segmentsBeforeReset = live.rawAllocations();
            live.resetPeaks();
            randomTraffic(live, blocks, 1500);
        }
        AllocatorReplay.Result replayed = AllocatorReplay.replay(file);
        String seed = random.describe();
        assertTrue(replayed.requests() > 1000, "the traffic allocated " + seed);
        assertEquals(Math.max(peakAllocatedBeforeReset, live.peakAllocatedBytes()), replayed.peakAllocated(), seed);
        assertEquals(Math.max(peakReservedBeforeReset, live.peakReservedBytes()), replayed.peakReserved(), seed);
        assertEquals(live.peakAllocatedBytes(), replayed.windowPeakAllocated(), seed);
        assertEquals(live.peakReservedBytes(), replayed.windowPeakReserved(), seed);
        assertEquals(live.rawAllocations(), replayed.segments(), seed);
        assertEquals(live.rawAllocations() - segmentsBeforeReset, replayed.windowSegments(), seed);
    }

    @Test
    void theSystemPropertyNamesTheFolderOfAPerProcessTraceFile() throws IOException {
        String saved = System.getProperty(AllocationTrace.FOLDER_PROPERTY);
        try {
            System.clearProperty(AllocationTrace.FOLDER_PROPERTY);
            assertEquals(AllocationTrace.NONE, AllocationTrace.fromSystemProperty());
            Path traces = folder.resolve("traces");
            System.setProperty(AllocationTrace.FOLDER_PROPERTY, traces.toString());
            AllocationTrace trace = AllocationTrace.fromSystemProperty();
            CachingAllocator allocator = new CachingAllocator("traced", new AllocatorReplay.AddressSpace(), trace);
            MemorySegment block = allocator.allocate(1000);
            allocator.resetPeaks();
            allocator.free(block);
            ((AllocationTrace.ToFile) trace).close(); // at exit a shutdown hook does this
            Path file = traces.resolve("allocations-" + ProcessHandle.current().pid() + ".trace");
            assertEquals(List.of("a " + Long.toHexString(block.address()) + " 1000", "r",
                    "f " + Long.toHexString(block.address())), Files.readAllLines(file));
        } finally {
            if (saved == null) {
                System.clearProperty(AllocationTrace.FOLDER_PROPERTY);
            } else {
                System.setProperty(AllocationTrace.FOLDER_PROPERTY, saved);
            }
        }
    }

    @Test
    void aMalformedTraceNamesTheFileAndLine() throws IOException {
        Path file = folder.resolve("bad.trace");
        Files.writeString(file, "a 1000 64\nf 2000\n");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> AllocatorReplay.replay(file));
        assertTrue(error.getMessage().contains("bad.trace:2"), error.getMessage());
    }

    private void randomTraffic(CachingAllocator allocator, List<MemorySegment> blocks, int steps) {
        for (int step = 0; step < steps; step++) {
            if (!blocks.isEmpty() && random.nextInt(5) < 2) {
                allocator.free(blocks.remove(random.nextInt(blocks.size())));
            } else {
                int kind = random.nextInt(10);
                long bytes = kind < 6 ? 1 + random.nextInt(64 << 10)
                        : kind < 9 ? MIB + 1 + random.nextInt(9 << 20)
                        : 10 * MIB + random.nextInt(30 << 20);
                blocks.add(allocator.allocate(bytes));
            }
        }
    }
}
