package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Embedding;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Embedding}. */
public final class CpuEmbedding implements Embedding {

    private final Parallel parallel;

    public CpuEmbedding(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void gather(int count, int dim, MemorySegment table, int tableRows, MemorySegment indices, MemorySegment out) {
        throw new UnsupportedOperationException("CpuEmbedding.gather not implemented yet");
    }

    @Override
    public void scatterAdd(int count, int dim, MemorySegment dOut, MemorySegment indices, MemorySegment dTable, int tableRows) {
        throw new UnsupportedOperationException("CpuEmbedding.scatterAdd not implemented yet");
    }
}
