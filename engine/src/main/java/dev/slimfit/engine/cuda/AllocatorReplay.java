package dev.slimfit.engine.cuda;

import dev.slimfit.kernels.DeviceMemory;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a recorded {@link AllocationTrace} through a {@link CachingAllocator} whose raw memory is only an address
 * space (nothing is backed), so the pool's behaviour on a GPU run, its peaks and its segment allocations, can be
 * reproduced and compared between policies on a machine without a GPU.
 * Usage: {@code java ... dev.slimfit.engine.cuda.AllocatorReplay TRACE...}
 */
public final class AllocatorReplay {

    private static final double MIB = 1024.0 * 1024.0;

    /**
     * Peaks over the whole trace and over the window after its last reset (the measured steps), and the segments
     * taken from the driver in both.
     */
    public record Result(long requests, long peakAllocated, long peakReserved, long windowPeakAllocated,
                         long windowPeakReserved, long segments, long windowSegments) {

        @Override
        public String toString() {
            return String.format("%d requests; whole trace: in use peak %.1f MiB, reserved peak %.1f MiB, %d segments;"
                    + " after the last reset: in use peak %.1f MiB, reserved peak %.1f MiB (+%.1f%%), %d new segments",
                    requests, peakAllocated / MIB, peakReserved / MIB, segments, windowPeakAllocated / MIB,
                    windowPeakReserved / MIB, 100.0 * (windowPeakReserved - windowPeakAllocated)
                            / Math.max(1, windowPeakAllocated), windowSegments);
        }
    }

    private AllocatorReplay() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: AllocatorReplay TRACE... (files written under -D" + AllocationTrace.FOLDER_PROPERTY
                    + ")");
            System.exit(2);
        }
        for (String file : args) {
            System.out.println(file + ": " + replay(Path.of(file)));
        }
    }

    public static Result replay(Path trace) throws IOException {
        CachingAllocator allocator = new CachingAllocator("replay", new AddressSpace());
        Map<Long, MemorySegment> live = new HashMap<>();
        long requests = 0;
        long peakAllocated = 0;
        long peakReserved = 0;
        long segmentsBeforeWindow = 0;
        int lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                String[] fields = line.split(" ");
                try {
                    switch (fields[0]) {
                        case "a" -> {
                            long address = Long.parseUnsignedLong(fields[1], 16);
                            live.put(address, allocator.allocate(Long.parseLong(fields[2])));
                            requests++;
                        }
                        case "f" -> {
                            MemorySegment block = live.remove(Long.parseUnsignedLong(fields[1], 16));
                            if (block == null) {
                                throw new IllegalArgumentException("free of a block the trace never handed out");
                            }
                            allocator.free(block);
                        }
                        case "r" -> {
                            peakAllocated = Math.max(peakAllocated, allocator.peakAllocatedBytes());
                            peakReserved = Math.max(peakReserved, allocator.peakReservedBytes());
                            segmentsBeforeWindow = allocator.rawAllocations();
                            allocator.resetPeaks();
                        }
                        default -> throw new IllegalArgumentException("unknown event '" + fields[0] + "'");
                    }
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(trace + ":" + lineNumber + ": '" + line + "': "
                            + e.getMessage(), e);
                }
            }
        }
        return new Result(requests, Math.max(peakAllocated, allocator.peakAllocatedBytes()),
                Math.max(peakReserved, allocator.peakReservedBytes()), allocator.peakAllocatedBytes(),
                allocator.peakReservedBytes(), allocator.rawAllocations(),
                allocator.rawAllocations() - segmentsBeforeWindow);
    }

    /** Addresses only: each segment starts past the previous one; nothing may be read, written or copied. */
    static final class AddressSpace implements DeviceMemory {
        private long next = 1L << 32;

        @Override
        public MemorySegment allocate(long bytes) {
            MemorySegment segment = MemorySegment.ofAddress(next).reinterpret(bytes);
            next += (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            return segment;
        }

        @Override
        public void free(MemorySegment buffer) {
        }

        @Override
        public void copy(MemorySegment src, MemorySegment dst, long bytes) {
            throw new UnsupportedOperationException("a replayed trace moves no data");
        }

        @Override
        public void copyFromHost(MemorySegment hostSrc, MemorySegment dst, long bytes) {
            throw new UnsupportedOperationException("a replayed trace moves no data");
        }

        @Override
        public void copyToHost(MemorySegment src, MemorySegment hostDst, long bytes) {
            throw new UnsupportedOperationException("a replayed trace moves no data");
        }

        @Override
        public void zero(MemorySegment dst, long bytes) {
            throw new UnsupportedOperationException("a replayed trace moves no data");
        }

        @Override
        public void synchronize() {
        }
    }
}
