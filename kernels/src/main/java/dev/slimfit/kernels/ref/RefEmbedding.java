package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Embedding;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Embedding}. */
public final class RefEmbedding implements Embedding {

    @Override
    public void gather(int count, int dim, MemorySegment table, int tableRows, MemorySegment indices, MemorySegment out) {
        throw new UnsupportedOperationException("RefEmbedding.gather not implemented yet");
    }

    @Override
    public void scatterAdd(int count, int dim, MemorySegment dOut, MemorySegment indices, MemorySegment dTable, int tableRows) {
        throw new UnsupportedOperationException("RefEmbedding.scatterAdd not implemented yet");
    }
}
