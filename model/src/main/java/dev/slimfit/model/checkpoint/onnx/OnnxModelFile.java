package dev.slimfit.model.checkpoint.onnx;

import dev.slimfit.model.checkpoint.CheckpointFormatException;
import dev.slimfit.model.checkpoint.NativeByteOrder;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An ONNX model opened for weight import: the file mapped into memory and its graph parsed
 * ({@link OnnxModelReader}). Initializer data is read from the mapping on demand; closing unmaps it.
 */
public final class OnnxModelFile implements AutoCloseable {

    private final String source;
    private final Arena arena;
    private final MemorySegment bytes;
    private final OnnxGraph graph;

    private OnnxModelFile(String source, Arena arena, MemorySegment bytes, OnnxGraph graph) {
        this.source = source;
        this.arena = arena;
        this.bytes = bytes;
        this.graph = graph;
    }

    /** Maps and parses {@code file}. */
    public static OnnxModelFile open(Path file) throws IOException {
        return open(file, file.toString());
    }

    private static OnnxModelFile open(Path file, String source) throws IOException {
        NativeByteOrder.requireLittleEndian("the ONNX reader");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment bytes = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new OnnxModelFile(source, arena, bytes, OnnxModelReader.parse(bytes, source));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Parses a model already in memory (the caller keeps {@code bytes} alive while this is open, and closing this
     * does not free them).
     */
    public static OnnxModelFile of(MemorySegment bytes, String source) throws CheckpointFormatException {
        NativeByteOrder.requireLittleEndian("the ONNX reader");
        return new OnnxModelFile(source, null, bytes, OnnxModelReader.parse(bytes, source));
    }

    /**
     * Copies a stream (a classpath resource inside a jar cannot be mapped) to a temporary file, opens it, and lets
     * {@code use} work with it; the file is deleted afterwards.
     */
    public static <T> T withStream(InputStream in, String source, ModelUse<T> use) throws IOException {
        Path copy = Files.createTempFile("slimfit-", ".onnx");
        try {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            try (OnnxModelFile model = open(copy, source)) {
                return use.apply(model);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** Work done with an open model. */
    @FunctionalInterface
    public interface ModelUse<T> {
        T apply(OnnxModelFile model) throws IOException;
    }

    public String source() {
        return source;
    }

    public OnnxGraph graph() {
        return graph;
    }

    /** The bytes of an initializer's data (little-endian), a read-only view of the file. */
    public MemorySegment data(OnnxInitializer initializer) {
        return bytes.asSlice(initializer.dataOffset(), initializer.dataLength()).asReadOnly();
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
