package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Embedding;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scalar reference of {@link Embedding}. Every index is checked before anything is written, so a bad index leaves
 * the output untouched. scatterAdd groups the positions by table row and sums each row's contributions in double,
 * onto the row's previous value, before rounding once.
 */
public final class RefEmbedding implements Embedding {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    @Override
    public void gather(int count, int dim, MemorySegment table, int tableRows, MemorySegment indices,
                       MemorySegment out) {
        checkIndices("RefEmbedding.gather", count, indices, tableRows);
        for (int i = 0; i < count; i++) {
            long row = indices.getAtIndex(INT, i);
            for (int c = 0; c < dim; c++) {
                out.setAtIndex(FLOAT, (long) i * dim + c, table.getAtIndex(FLOAT, row * dim + c));
            }
        }
    }

    @Override
    public void scatterAdd(int count, int dim, MemorySegment dOut, MemorySegment indices, MemorySegment dTable,
                           int tableRows) {
        checkIndices("RefEmbedding.scatterAdd", count, indices, tableRows);
        Map<Integer, List<Integer>> positionsByRow = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            positionsByRow.computeIfAbsent(indices.getAtIndex(INT, i), row -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Integer, List<Integer>> entry : positionsByRow.entrySet()) {
            long row = entry.getKey();
            for (int c = 0; c < dim; c++) {
                double sum = dTable.getAtIndex(FLOAT, row * dim + c);
                for (int position : entry.getValue()) {
                    sum += dOut.getAtIndex(FLOAT, (long) position * dim + c);
                }
                dTable.setAtIndex(FLOAT, row * dim + c, (float) sum);
            }
        }
    }

    private static void checkIndices(String kernel, int count, MemorySegment indices, int tableRows) {
        for (int i = 0; i < count; i++) {
            int index = indices.getAtIndex(INT, i);
            if (index < 0 || index >= tableRows) {
                throw new IndexOutOfBoundsException(kernel + ": index " + index + " at position " + i
                        + " is outside the table's rows [0, " + tableRows + ")");
            }
        }
    }
}
