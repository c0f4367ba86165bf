package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Embedding;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * {@link Embedding} on the CPU. Indices are all validated first, so a bad one throws before anything is written.
 * gather copies whole rows, positions split over the threads. scatterAdd splits the embedding dimension into
 * column ranges, one per thread: every thread visits every position in order but touches only its own columns, so
 * repeated indices accumulate without a race and in the same order as on one thread.
 */
public final class CpuEmbedding implements Embedding {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    /** Below this many columns per thread, splitting scatterAdd's columns costs more than it saves. */
    private static final int MIN_COLUMNS_PER_THREAD = 4 * 16;

    private final Parallel parallel;

    public CpuEmbedding(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void gather(int count, int dim, MemorySegment table, int tableRows, MemorySegment indices,
                       MemorySegment out) {
        checkIndices("CpuEmbedding.gather", count, indices, tableRows);
        long rowBytes = (long) dim * Float.BYTES;
        parallel.forRange(count, VectorLoops.minRowsPerThread(dim), (first, end) -> {
            for (long i = first; i < end; i++) {
                long row = indices.getAtIndex(INT, i);
                MemorySegment.copy(table, row * rowBytes, out, i * rowBytes, rowBytes);
            }
        });
    }

    @Override
    public void scatterAdd(int count, int dim, MemorySegment dOut, MemorySegment indices, MemorySegment dTable,
                           int tableRows) {
        checkIndices("CpuEmbedding.scatterAdd", count, indices, tableRows);
        long work = (long) count * dim;
        int ranges = work < VectorLoops.MIN_ELEMENTS_PER_THREAD ? 1
                : Math.max(1, Math.min(parallel.threads(), dim / MIN_COLUMNS_PER_THREAD));
        parallel.forEachTask(ranges, range -> {
            // column boundaries on whole vectors, so only the last range has a scalar tail
            int firstColumn = alignedColumn(dim, range, ranges);
            int endColumn = alignedColumn(dim, range + 1, ranges);
            addColumns(count, dim, dOut, indices, dTable, firstColumn, endColumn);
        });
    }

    private static int alignedColumn(int dim, int range, int ranges) {
        if (range == ranges) {
            return dim;
        }
        return (int) ((long) dim * range / ranges / LANES * LANES);
    }

    private static void addColumns(int count, int dim, MemorySegment dOut, MemorySegment indices,
                                   MemorySegment dTable, int firstColumn, int endColumn) {
        int vectorEnd = firstColumn + FLOATS.loopBound(endColumn - firstColumn);
        for (long i = 0; i < count; i++) {
            long sourceRow = i * dim;
            long tableRow = (long) indices.getAtIndex(INT, i) * dim;
            int c = firstColumn;
            for (; c < vectorEnd; c += LANES) {
                long tableOffset = (tableRow + c) * Float.BYTES;
                FloatVector.fromMemorySegment(FLOATS, dTable, tableOffset, ORDER)
                        .add(FloatVector.fromMemorySegment(FLOATS, dOut, (sourceRow + c) * Float.BYTES, ORDER))
                        .intoMemorySegment(dTable, tableOffset, ORDER);
            }
            for (; c < endColumn; c++) {
                long t = tableRow + c;
                dTable.setAtIndex(FLOAT, t, dTable.getAtIndex(FLOAT, t) + dOut.getAtIndex(FLOAT, sourceRow + c));
            }
        }
    }

    private static void checkIndices(String kernel, int count, MemorySegment indices, int tableRows) {
        for (long i = 0; i < count; i++) {
            int index = indices.getAtIndex(INT, i);
            if (index < 0 || index >= tableRows) {
                throw new IndexOutOfBoundsException(kernel + ": index " + index + " at position " + i
                        + " is outside the table's rows [0, " + tableRows + ")");
            }
        }
    }
}
