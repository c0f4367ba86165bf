package dev.slimfit.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffers on one provider's device for a test: filled from Java arrays, read back into Java arrays, and all freed
 * by {@link #close()}. Works the same whether the device is the host or a GPU, so one test body serves every
 * provider.
 */
public final class TestBuffers implements AutoCloseable {

    private final DeviceMemory memory;
    private final List<MemorySegment> owned = new ArrayList<>();

    public TestBuffers(KernelProvider provider) {
        this.memory = provider.memory();
    }

    /** An uninitialised buffer of {@code bytes} bytes, filled with a NaN pattern so unwritten outputs show. */
    public MemorySegment empty(long bytes) {
        MemorySegment segment = memory.allocate(bytes);
        owned.add(segment);
        if (bytes > 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(bytes);
                host.fill((byte) 0xFF); // 0xFFFFFFFF is a NaN as float32
                memory.copyFromHost(host, segment, bytes);
            }
        }
        return segment;
    }

    public MemorySegment emptyFloats(long n) {
        return empty(n * Float.BYTES);
    }

    public MemorySegment floats(float[] values) {
        MemorySegment segment = memory.allocate((long) values.length * Float.BYTES);
        owned.add(segment);
        copyIn(MemorySegment.ofArray(values), segment, (long) values.length * Float.BYTES);
        return segment;
    }

    public MemorySegment ints(int[] values) {
        MemorySegment segment = memory.allocate((long) values.length * Integer.BYTES);
        owned.add(segment);
        copyIn(MemorySegment.ofArray(values), segment, (long) values.length * Integer.BYTES);
        return segment;
    }

    public MemorySegment bytes(byte[] values) {
        MemorySegment segment = memory.allocate(values.length);
        owned.add(segment);
        copyIn(MemorySegment.ofArray(values), segment, values.length);
        return segment;
    }

    public float[] readFloats(MemorySegment segment, int n) {
        float[] out = new float[n];
        copyOut(segment, MemorySegment.ofArray(out), (long) n * Float.BYTES);
        return out;
    }

    public int[] readInts(MemorySegment segment, int n) {
        int[] out = new int[n];
        copyOut(segment, MemorySegment.ofArray(out), (long) n * Integer.BYTES);
        return out;
    }

    public byte[] readBytes(MemorySegment segment, int n) {
        byte[] out = new byte[n];
        copyOut(segment, MemorySegment.ofArray(out), n);
        return out;
    }

    // Heap segments cannot be handed to a device copy that may run asynchronously or natively; stage through a
    // native buffer.
    private void copyIn(MemorySegment heap, MemorySegment device, long bytes) {
        if (bytes == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, DeviceMemory.ALIGNMENT);
            MemorySegment.copy(heap, 0, host, 0, bytes);
            memory.copyFromHost(host, device, bytes);
        }
    }

    private void copyOut(MemorySegment device, MemorySegment heap, long bytes) {
        if (bytes == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, DeviceMemory.ALIGNMENT);
            memory.copyToHost(device, host, bytes);
            memory.synchronize();
            MemorySegment.copy(host, 0, heap, 0, bytes);
        }
    }

    /** Reads a float element of a host segment (for reference-side checks). */
    public static float hostFloat(MemorySegment host, long index) {
        return host.getAtIndex(ValueLayout.JAVA_FLOAT, index);
    }

    @Override
    public void close() {
        memory.synchronize();
        for (MemorySegment segment : owned) {
            memory.free(segment);
        }
        owned.clear();
    }
}
