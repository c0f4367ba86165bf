package dev.slimfit.model.checkpoint.safetensors;

import dev.slimfit.engine.Shape;

/**
 * One tensor of a safetensors header: its name, dtype, shape and the byte range {@code [begin, end)} of its data,
 * relative to the first byte after the header. A parsed entry is already checked: the range lies inside the file and
 * holds exactly {@code numel × elementBytes} bytes.
 */
public record SafetensorsEntry(String name, SafetensorsDType dtype, Shape shape, long begin, long end) {

    /** Bytes of this tensor's data in the file. */
    public long byteCount() {
        return end - begin;
    }

    /** Bytes of this tensor once loaded (differs from {@link #byteCount()} for converted dtypes). */
    public long loadedByteCount() {
        return dtype.loadsAs().byteSize(shape.numel());
    }
}
