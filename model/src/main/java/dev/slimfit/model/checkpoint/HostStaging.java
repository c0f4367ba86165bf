package dev.slimfit.model.checkpoint;

import dev.slimfit.engine.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * Fills a tensor from host code that computes its bytes (a dtype conversion, a transposition). On a host device the
 * code writes straight into the tensor's own buffer; elsewhere it writes into a native staging buffer of the
 * tensor's size that is copied over and freed at once. Either way no heap array of the tensor's size exists.
 */
public final class HostStaging {

    /** Alignment of the staging buffer: a cache line, like the device allocators'. */
    private static final long STAGING_ALIGNMENT = 64;

    private HostStaging() {
    }

    /** Calls {@code writer} with a host buffer of exactly {@code target.byteSize()} bytes that becomes its data. */
    public static void fill(Tensor target, Consumer<MemorySegment> writer) {
        long bytes = target.byteSize();
        if (target.device().isHost()) {
            writer.accept(target.segment());
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, STAGING_ALIGNMENT);
            writer.accept(staging);
            target.copyFromHost(staging, bytes);
        }
    }
}
