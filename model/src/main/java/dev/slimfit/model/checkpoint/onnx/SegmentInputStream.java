package dev.slimfit.model.checkpoint.onnx;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An input stream over a memory segment (a mapped file) whose {@link #skip} only moves the position, so that
 * protobuf's stream decoder steps over tensor data without reading or copying it, and whose {@link #available}
 * is exact, which is what lets the decoder trust a declared length only as far as the bytes really there.
 *
 * <p>Why not hand protobuf a ByteBuffer: its direct-buffer decoder needs {@code sun.misc.Unsafe}, and where that is
 * unavailable (as on recent JDKs) it silently copies the whole buffer into a heap array, the full 90 MB of MiniLM.
 */
final class SegmentInputStream extends InputStream {

    private final MemorySegment bytes;
    private long position;

    SegmentInputStream(MemorySegment bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        return position < bytes.byteSize() ? Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, position++)) : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        long remaining = bytes.byteSize() - position;
        if (remaining <= 0) {
            return -1;
        }
        int n = (int) Math.min(length, remaining);
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, bytes.byteSize() - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, bytes.byteSize() - position);
    }
}
