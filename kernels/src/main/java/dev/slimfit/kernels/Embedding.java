package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/** Row lookup in a {@code tableRows × dim} float32 table with int32 indices, and its gradient. */
public interface Embedding {

    /**
     * {@code out[i, :] = table[indices[i], :]} for {@code i < count}. An index outside {@code [0, tableRows)}
     * throws {@link IndexOutOfBoundsException} naming the position and the value.
     */
    void gather(int count, int dim, MemorySegment table, int tableRows, MemorySegment indices, MemorySegment out);

    /**
     * {@code dTable[indices[i], :] += dOut[i, :]} for {@code i < count}; repeated indices accumulate. Indices are
     * validated as in {@link #gather}.
     */
    void scatterAdd(int count, int dim, MemorySegment dOut, MemorySegment indices, MemorySegment dTable,
                    int tableRows);
}
