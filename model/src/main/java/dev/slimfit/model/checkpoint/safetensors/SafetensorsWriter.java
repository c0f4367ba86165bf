package dev.slimfit.model.checkpoint.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.checkpoint.AtomicFile;
import dev.slimfit.model.checkpoint.NativeByteOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors as a safetensors file in Hugging Face's layout, atomically ({@link AtomicFile}). As in the reference
 * writer, tensors are laid out by decreasing element size and then by name, so every tensor starts at a multiple of
 * its element size, and the header is padded with spaces so that the data starts 8-byte aligned. Tensor bytes go
 * from the tensor's host buffer to the file without a heap copy (a device tensor passes through one heap array).
 */
public final class SafetensorsWriter {

    /** The data section starts at a multiple of this many bytes, as Hugging Face's writer does. */
    public static final int DATA_ALIGNMENT = 8;

    /** Largest slice handed to one channel write: a ByteBuffer view is limited to 2 GiB. */
    private static final long MAX_WRITE_CHUNK = 1L << 30;

    private static final JsonFactory JSON = new JsonFactory();

    private SafetensorsWriter() {
    }

    /** One tensor's place in the file. */
    private record Placed(String name, Tensor tensor, SafetensorsDType dtype, long begin, long end) {
    }

    /**
     * Writes {@code tensors} (by name) and {@code metadata} to {@code file}, replacing it atomically.
     *
     * @throws IllegalArgumentException for a name the format reserves or a dtype it cannot hold (I4)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        NativeByteOrder.requireLittleEndian("the safetensors writer");
        List<Placed> layout = layout(file, tensors);
        byte[] header = header(layout, metadata);
        AtomicFile.write(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(SafetensorsHeader.LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(0, header.length);
            writeFully(channel, length);
            writeFully(channel, ByteBuffer.wrap(header));
            for (Placed p : layout) {
                writeData(channel, p.tensor());
            }
        });
    }

    private static List<Placed> layout(Path file, Map<String, Tensor> tensors) {
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
        ordered.sort(Comparator.comparingInt((Map.Entry<String, Tensor> e) -> -e.getValue().dtype().bits())
                .thenComparing(Map.Entry::getKey));
        List<Placed> layout = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : ordered) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": the tensor name " + name + " is reserved by the format");
            }
            SafetensorsDType dtype = SafetensorsDType.storing(t.dtype()).orElseThrow(() ->
                    new IllegalArgumentException(file + ": tensor '" + name + "' is " + t.dtype()
                            + ", which safetensors cannot hold"));
            long end = offset + t.byteSize();
            layout.add(new Placed(name, t, dtype, offset, end));
            offset = end;
        }
        return layout;
    }

    /** The JSON header (metadata first, as the reference writer puts it), padded with spaces for alignment. */
    private static byte[] header(List<Placed> layout, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            if (!metadata.isEmpty()) {
                json.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    json.writeStringField(m.getKey(), m.getValue());
                }
                json.writeEndObject();
            }
            for (Placed p : layout) {
                json.writeObjectFieldStart(p.name());
                json.writeStringField("dtype", p.dtype().name());
                json.writeArrayFieldStart("shape");
                for (int d : p.tensor().dims()) {
                    json.writeNumber(d);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("data_offsets");
                json.writeNumber(p.begin());
                json.writeNumber(p.end());
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        byte[] text = out.toByteArray();
        int unpadded = SafetensorsHeader.LENGTH_PREFIX_BYTES + text.length;
        int padding = (DATA_ALIGNMENT - unpadded % DATA_ALIGNMENT) % DATA_ALIGNMENT;
        byte[] padded = Arrays.copyOf(text, text.length + padding);
        Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Writes a tensor's elements in row-major order. A closed tensor fails here, mid-file, before the rename. */
    private static void writeData(FileChannel channel, Tensor tensor) throws IOException {
        tensor.checkOpen("safetensors write");
        if (tensor.byteSize() == 0) {
            return;
        }
        if (!tensor.device().isHost()) {
            writeFully(channel, ByteBuffer.wrap(tensor.toByteArray()));
            return;
        }
        Tensor dense = tensor.isContiguous() ? tensor : Ops.contiguous(tensor);
        try {
            MemorySegment data = dense.segment();
            for (long at = 0; at < data.byteSize(); at += MAX_WRITE_CHUNK) {
                long n = Math.min(MAX_WRITE_CHUNK, data.byteSize() - at);
                writeFully(channel, data.asSlice(at, n).asByteBuffer());
            }
        } finally {
            if (dense != tensor) {
                dense.close();
            }
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
