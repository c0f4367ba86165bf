package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedding lookup (exact copies) and its gradient (repeated rows accumulate) against the reference. */
class EmbeddingKernelTest {

    /** count, dim, tableRows: empty, single, odd widths, heavy repetition, a BERT-base-wide batch over threads. */
    private static final int[][] CASES = {{0, 8, 5}, {5, 0, 3}, {1, 1, 1}, {17, 15, 7}, {33, 17, 1000},
        {300, 771, 50}, {2048, 64, 3}, {512, 768, 2003}};
    private static final KernelProvider REF = KernelImplementations.reference();

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void gatherCopiesTheIndexedRowsExactly(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int[] c : CASES) {
            int count = c[0];
            int dim = c[1];
            int tableRows = c[2];
            float[] table = random.gaussian(tableRows * dim, 1);
            int[] indices = random.ints(count, tableRows);
            float[] expected = new float[count * dim];
            for (int i = 0; i < count; i++) {
                System.arraycopy(table, indices[i] * dim, expected, i * dim, dim);
            }
            String what = " gather " + count + "x" + dim + " from " + tableRows + " rows " + random.describe();
            assertArrayEquals(expected, gather(REF, count, dim, table, tableRows, indices), "ref" + what);
            assertArrayEquals(expected, gather(provider, count, dim, table, tableRows, indices),
                    provider.name() + what);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void scatterAddAccumulatesRepeatedIndicesLikeReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int[] c : CASES) {
            int count = c[0];
            int dim = c[1];
            int tableRows = c[2];
            float[] dOut = random.gaussian(count * dim, 1);
            float[] dTable = random.gaussian(tableRows * dim, 1);
            int[] indices = random.ints(count, tableRows);
            String what = provider.name() + " scatterAdd " + count + "x" + dim + " into " + tableRows + " rows "
                    + random.describe();
            Accuracy.assertClose(scatterAdd(REF, count, dim, dOut, indices, dTable, tableRows),
                    scatterAdd(provider, count, dim, dOut, indices, dTable, tableRows), Accuracy.FLOAT_TOLERANCE,
                    what);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void everyPositionPointingAtOneRowSumsThemAll(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int count = 4099;
        int dim = 33;
        int tableRows = 4;
        int row = random.nextInt(tableRows);
        float[] dOut = random.gaussian(count * dim, 1);
        int[] indices = new int[count];
        java.util.Arrays.fill(indices, row);
        float[] dTable = random.gaussian(tableRows * dim, 1);
        float[] expected = dTable.clone();
        for (int col = 0; col < dim; col++) {
            double sum = dTable[row * dim + col];
            for (int i = 0; i < count; i++) {
                sum += dOut[i * dim + col];
            }
            expected[row * dim + col] = (float) sum;
        }
        Accuracy.assertClose(expected, scatterAdd(provider, count, dim, dOut, indices, dTable, tableRows),
                Accuracy.FLOAT_TOLERANCE, provider.name() + " all positions on row " + row + " " + random.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void anIndexOutOfRangeThrowsBeforeAnythingIsWritten(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int count = 1000;
        int dim = 19;
        int tableRows = 50;
        for (int bad : new int[] {-1, tableRows, Integer.MIN_VALUE}) {
            int[] indices = random.ints(count, tableRows);
            int position = 500 + random.nextInt(count - 500);
            indices[position] = bad;
            float[] table = random.gaussian(tableRows * dim, 1);
            float[] out = random.gaussian(count * dim, 1);
            String what = provider.name() + " index " + bad + " at " + position + " " + random.describe();
            try (TestBuffers buffers = new TestBuffers(provider)) {
                MemorySegment outBuffer = buffers.floats(out);
                IndexOutOfBoundsException thrown = assertThrows(IndexOutOfBoundsException.class,
                        () -> provider.embedding().gather(count, dim, buffers.floats(table), tableRows,
                                buffers.ints(indices), outBuffer), what);
                assertMessageNames(thrown, "gather", position, bad, what);
                assertArrayEquals(out, buffers.readFloats(outBuffer, count * dim), "gather wrote before " + what);

                MemorySegment tableBuffer = buffers.floats(table);
                thrown = assertThrows(IndexOutOfBoundsException.class,
                        () -> provider.embedding().scatterAdd(count, dim, buffers.floats(out), buffers.ints(indices),
                                tableBuffer, tableRows), what);
                assertMessageNames(thrown, "scatterAdd", position, bad, what);
                assertArrayEquals(table, buffers.readFloats(tableBuffer, tableRows * dim),
                        "scatterAdd wrote before " + what);
            }
        }
    }

    private static void assertMessageNames(RuntimeException thrown, String kernel, int position, int value,
                                           String what) {
        String message = thrown.getMessage();
        assertTrue(message.contains(kernel) && message.contains("position " + position)
                && message.contains(Integer.toString(value)), "message '" + message + "' for " + what);
    }

    private static float[] gather(KernelProvider provider, int count, int dim, float[] table, int tableRows,
                                  int[] indices) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats((long) count * dim);
            provider.embedding().gather(count, dim, buffers.floats(table), tableRows, buffers.ints(indices), out);
            return buffers.readFloats(out, count * dim);
        }
    }

    private static float[] scatterAdd(KernelProvider provider, int count, int dim, float[] dOut, int[] indices,
                                      float[] dTable, int tableRows) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment table = buffers.floats(dTable);
            provider.embedding().scatterAdd(count, dim, buffers.floats(dOut), buffers.ints(indices), table,
                    tableRows);
            return buffers.readFloats(table, tableRows * dim);
        }
    }
}
