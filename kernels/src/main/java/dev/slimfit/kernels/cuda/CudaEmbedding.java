package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Embedding;

import java.lang.foreign.MemorySegment;

/**
 * {@link Embedding} on the GPU. Indices are validated first (a kernel records the first bad position, read back
 * before anything is written, so a bad index throws like the reference and leaves the output untouched). The gradient
 * is deterministic and free of float atomics: a stable radix sort groups the positions of each table row in increasing
 * order, and one block per group sums its gradient rows in double onto the table row (see embedding.cuh), which gives
 * the reference's sums exactly.
 */
final class CudaEmbedding implements Embedding {

    private static final int RADIX_BITS = 8;
    private static final int RADIX = 1 << RADIX_BITS;
    /** Threads of the single-block scan of the radix histogram. */
    private static final int SCAN_THREADS = 1024;

    private final CudaExecution execution;

    CudaEmbedding(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void gather(int count, int dim, MemorySegment table, int tableRows, MemorySegment indices,
                       MemorySegment out) {
        checkIndices("CudaEmbedding.gather", count, indices, tableRows);
        if (count > 0 && dim > 0) {
            execution.kernel(KernelFunction.EMBEDDING_GATHER_F32, LaunchShape.columnsByRows(dim, count))
                    .pointer(table).pointer(indices).pointer(out).int64(count).int64(dim).launch();
        }
    }

    @Override
    public void scatterAdd(int count, int dim, MemorySegment dOut, MemorySegment indices, MemorySegment dTable,
                           int tableRows) {
        checkIndices("CudaEmbedding.scatterAdd", count, indices, tableRows);
        if (count == 0 || dim == 0) {
            return;
        }
        long tiles = LaunchShape.ceilDiv(count, RADIX);
        long histogramEntries = RADIX * tiles;
        int passes = radixPasses(tableRows);
        LaunchShape perTile = new LaunchShape(tiles, 1, 1, RADIX, 1, 1, 0);
        synchronized (execution) {
            long keyBytes = (long) count * Integer.BYTES;
            MemorySegment[] r = execution.scratch().regions(keyBytes, keyBytes, keyBytes, keyBytes,
                    histogramEntries * Integer.BYTES);
            MemorySegment keys = r[0];
            MemorySegment positions = r[1];
            MemorySegment otherKeys = r[2];
            MemorySegment otherPositions = r[3];
            MemorySegment histogram = r[4];
            execution.kernel(KernelFunction.RADIX_PREPARE_I32, execution.streaming(count)).pointer(indices)
                    .int64(count).pointer(keys).pointer(positions).launch();
            for (int pass = 0; pass < passes; pass++) {
                int shift = pass * RADIX_BITS;
                execution.kernel(KernelFunction.RADIX_HISTOGRAM_I32, perTile).pointer(keys).int64(count).int32(shift)
                        .pointer(histogram).launch();
                execution.kernel(KernelFunction.EXCLUSIVE_SCAN_I32, LaunchShape.singleBlock(SCAN_THREADS))
                        .pointer(histogram).int64(histogramEntries).launch();
                execution.kernel(KernelFunction.RADIX_SCATTER_I32, perTile).pointer(keys).pointer(positions)
                        .int64(count).int32(shift).pointer(histogram).pointer(otherKeys).pointer(otherPositions)
                        .launch();
                MemorySegment swap = keys;
                keys = otherKeys;
                otherKeys = swap;
                swap = positions;
                positions = otherPositions;
                otherPositions = swap;
            }
            execution.kernel(KernelFunction.EMBEDDING_SEGMENT_ADD_F32,
                            LaunchShape.rowBlocks(count, LaunchShape.rowThreads(dim, CudaExecution.ROW_THREADS)))
                    .pointer(keys).pointer(positions).int64(count).pointer(dOut).pointer(dTable).int64(dim)
                    .launch();
        }
    }

    /** 8-bit digits needed for the largest valid index (at least one pass). */
    static int radixPasses(int tableRows) {
        int bits = Integer.SIZE - Integer.numberOfLeadingZeros(Math.max(1, tableRows - 1));
        return Math.max(1, (bits + RADIX_BITS - 1) / RADIX_BITS);
    }

    private void checkIndices(String kernel, int count, MemorySegment indices, int tableRows) {
        if (count == 0) {
            return;
        }
        synchronized (execution) {
            long bad = execution.firstBadPosition(firstBad -> execution.kernel(KernelFunction.INDEX_CHECK_I32,
                    execution.streaming(count)).pointer(indices).int64(count).int64(tableRows).pointer(firstBad)
                    .launch());
            if (bad >= 0) {
                int index = execution.readInt(indices, bad);
                throw new IndexOutOfBoundsException(kernel + ": index " + index + " at position " + bad
                        + " is outside the table's rows [0, " + tableRows + ")");
            }
        }
    }
}
