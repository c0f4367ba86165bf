package dev.slimfit.model.checkpoint.safetensors;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Tensor;
import dev.slimfit.model.checkpoint.CheckpointFormatException;
import dev.slimfit.model.checkpoint.HostStaging;
import dev.slimfit.model.checkpoint.NativeByteOrder;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: the file is memory-mapped, its header parsed and checked
 * ({@link SafetensorsHeader}), and each tensor's bytes are copied from the mapping straight into a device tensor,
 * so loading never holds a heap copy of the data. Closing unmaps the file; tensors already read stay valid.
 */
public final class SafetensorsReader implements AutoCloseable {

    private final Path file;
    private final String source;
    private final Arena arena;
    private final MemorySegment bytes;
    private final SafetensorsHeader header;

    private SafetensorsReader(Path file, Arena arena, MemorySegment bytes, SafetensorsHeader header) {
        this.file = file;
        this.source = file.toString();
        this.arena = arena;
        this.bytes = bytes;
        this.header = header;
    }

    /** Maps {@code file} and checks its header; a bad file gets a {@link CheckpointFormatException}. */
    public static SafetensorsReader open(Path file) throws IOException {
        NativeByteOrder.requireLittleEndian("the safetensors reader");
        // shared, not confined: a loader may hand the reader to another thread
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment bytes = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            SafetensorsHeader header = SafetensorsHeader.parse(bytes, file.toString());
            return new SafetensorsReader(file, arena, bytes, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** The tensors in the order of their data. */
    public List<SafetensorsEntry> entries() {
        return header.entries();
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The entry named {@code name}, or an error naming the file and the tensor. */
    public SafetensorsEntry entry(String name) throws CheckpointFormatException {
        SafetensorsEntry e = header.entry(name);
        if (e == null) {
            throw CheckpointFormatException.tensor(source, name, "is not in the file");
        }
        return e;
    }

    /** The bytes of one tensor as stored (little-endian), a read-only view of the mapping. */
    public MemorySegment data(SafetensorsEntry entry) {
        return bytes.asSlice(header.dataStart() + entry.begin(), entry.byteCount()).asReadOnly();
    }

    /**
     * Copies one tensor into {@code target}, which must have the entry's shape and the type it loads as
     * ({@link SafetensorsDType#loadsAs()}); F16, BF16 and F64 are converted on the way.
     */
    public void copyInto(SafetensorsEntry entry, Tensor target) throws CheckpointFormatException {
        if (target.dtype() != entry.dtype().loadsAs()) {
            throw CheckpointFormatException.tensor(source, entry.name(), "dtype " + entry.dtype() + " loads as "
                    + entry.dtype().loadsAs() + ", but the target tensor is " + target.dtype());
        }
        if (!target.shape().equals(entry.shape())) {
            throw CheckpointFormatException.tensor(source, entry.name(), "shape " + target.shape()
                    + " expected, file has " + entry.shape());
        }
        MemorySegment stored = data(entry);
        if (entry.dtype().converts()) {
            long count = entry.shape().numel();
            HostStaging.fill(target, dst -> ElementConversion.toF32(entry.dtype(), stored, dst, count));
        } else {
            target.copyFromHost(stored, entry.byteCount());
        }
    }

    /** A new {@link Category#PARAMETER} tensor on {@code device}, named and owned by the tensor's name. */
    public Tensor read(String name, Device device) throws CheckpointFormatException {
        return read(entry(name), device);
    }

    public Tensor read(SafetensorsEntry entry, Device device) throws CheckpointFormatException {
        Tensor t = Tensor.empty(device, entry.dtype().loadsAs(), entry.shape(), Category.PARAMETER, entry.name())
                .name(entry.name());
        try {
            copyInto(entry, t);
            return t;
        } catch (CheckpointFormatException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * Every tensor of the file as new parameters, by name in data order. Their bytes add up to at most the file's
     * data section (twice it for F16/BF16, half for F64), since every entry was checked against the file.
     */
    public Map<String, Tensor> readAll(Device device) throws CheckpointFormatException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        try {
            for (SafetensorsEntry e : entries()) {
                all.put(e.name(), read(e, device));
            }
            return all;
        } catch (CheckpointFormatException | RuntimeException e) {
            all.values().forEach(Tensor::close);
            throw e;
        }
    }

    /** Unmaps the file. */
    @Override
    public void close() {
        arena.close();
    }
}
