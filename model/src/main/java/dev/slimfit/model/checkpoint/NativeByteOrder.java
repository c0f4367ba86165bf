package dev.slimfit.model.checkpoint;

import java.nio.ByteOrder;

/**
 * Checkpoint formats store little-endian data, which this project copies as raw bytes into tensors. Every platform
 * the engine targets (x86-64, AArch64) is little-endian; on any other the readers and writers refuse to run rather
 * than silently swap bytes.
 */
public final class NativeByteOrder {

    private NativeByteOrder() {
    }

    public static void requireLittleEndian(String what) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException(what + " copies little-endian file data as it is and needs a "
                    + "little-endian platform; this one is " + ByteOrder.nativeOrder());
        }
    }
}
