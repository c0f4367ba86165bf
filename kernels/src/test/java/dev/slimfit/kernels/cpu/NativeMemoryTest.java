package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.DeviceMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NativeMemoryTest {

    @Test
    void allocationsAreAlignedWritableAndSized() {
        NativeMemory memory = NativeMemory.INSTANCE;
        for (long bytes : new long[] {0, 1, 63, 64, 65, 4096, 1 << 20}) {
            MemorySegment segment = memory.allocate(bytes);
            try {
                assertEquals(0, segment.address() % DeviceMemory.ALIGNMENT, "alignment of " + bytes);
                assertEquals(bytes, segment.byteSize());
                if (bytes >= 4) {
                    segment.set(ValueLayout.JAVA_INT, bytes - 4 - (bytes - 4) % 4, 0x5eed);
                    assertEquals(0x5eed, segment.get(ValueLayout.JAVA_INT, bytes - 4 - (bytes - 4) % 4));
                }
            } finally {
                memory.free(segment);
            }
        }
    }

    @Test
    void negativeSizeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.INSTANCE.allocate(-1));
    }
}
