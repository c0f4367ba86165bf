package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link Gemm} under test against {@link dev.slimfit.kernels.ref.RefGemm} on fresh random operands. The whole
 * C buffer is compared, including the gaps that leading dimensions and batch strides leave between the matrices,
 * so a kernel that writes outside its view fails as surely as one that computes a wrong value.
 */
class GemmKernelTest {

    /** Odd sizes around the 8- and 16-float vector widths, register tiles and cache blocks, plus 0 and 1. */
    private static final int[] SIZES = {0, 1, 2, 5, 17, 31, 33, 63, 65, 130};

    /**
     * Sizes larger than one cache block in every dimension with ragged remainders, so that every blocking edge of
     * the CPU kernel is crossed: partial register tiles (4×16), row blocks (64), depth steps (256) and panel depths
     * (1024, with a 7-deep remainder), panel widths (1024), the shared row-block split and the column split of a
     * product with fewer row blocks than threads (m = 6).
     */
    private static final int[][] LARGE_MNK = {{257, 300, 511}, {515, 129, 1031}, {97, 1100, 260}, {6, 4200, 300}};

    /** Unit roundoff of float32. */
    private static final double FLOAT_UNIT_ROUNDOFF = 0x1p-24;

    /**
     * Allowed error relative to the magnitude M = |alpha|·|op(A)|·|op(B)| + |beta|·|C| (the standard GEMM error
     * bound is stated against M, not against C, which may cancel to nearly zero). Each element of C sums k products
     * in float32; every addition rounds with an error of at most u times the partial sum, itself at most M, and with
     * random inputs the k rounding errors add like a random walk: about u·sqrt(k)·M. Scaling by alpha, adding beta·C
     * and the block-wise accumulation into C add a few more roundings (the +3). A factor 4 leaves headroom for
     * unlucky inputs; a single wrong element still exceeds it by more than 10x at every size tested.
     */
    private static double magnitudeTolerance(int k) {
        return 4 * FLOAT_UNIT_ROUNDOFF * (Math.sqrt(k) + 3);
    }

    static Stream<Arguments> providersAndTransposes() {
        return KernelImplementations.underTest().flatMap(provider -> Stream.of(
                Arguments.of(provider, false, false), Arguments.of(provider, false, true),
                Arguments.of(provider, true, false), Arguments.of(provider, true, true)));
    }

    static Stream<KernelProvider> providers() {
        return KernelImplementations.underTest();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("providersAndTransposes")
    void oddSizesMatchReference(KernelProvider provider, boolean transA, boolean transB) {
        TestRandom random = new TestRandom();
        for (int i = 0; i < SIZES.length; i++) {
            for (int j = 0; j < SIZES.length; j++) {
                // k walks through every size as well without a full cube of cases
                int k = SIZES[(i + 2 * j) % SIZES.length];
                check(provider, random, GemmCase.dense(transA, transB, SIZES[i], SIZES[j], k, 1.3f, 0.7f));
            }
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("providersAndTransposes")
    void largeSizesCrossEveryBlockEdge(KernelProvider provider, boolean transA, boolean transB) {
        TestRandom random = new TestRandom();
        for (int[] mnk : LARGE_MNK) {
            check(provider, random, GemmCase.dense(transA, transB, mnk[0], mnk[1], mnk[2], 0.9f, -0.4f));
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("providersAndTransposes")
    void leadingDimensionsLargerThanRowsLeavePaddingUntouched(KernelProvider provider, boolean transA,
                                                             boolean transB) {
        TestRandom random = new TestRandom();
        for (int[] mnk : new int[][] {{33, 65, 17}, {130, 31, 63}, {5, 2, 130}}) {
            GemmCase dense = GemmCase.dense(transA, transB, mnk[0], mnk[1], mnk[2], -1.1f, 0.5f);
            GemmCase padded = dense.withLeadingDimensions(dense.lda() + 3, dense.ldb() + 11, dense.ldc() + 7);
            check(provider, random, padded);
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("providersAndTransposes")
    void betaZeroIgnoresNaNInC(KernelProvider provider, boolean transA, boolean transB) {
        TestRandom random = new TestRandom();
        for (int[] mnk : new int[][] {{17, 33, 31}, {65, 130, 5}, {1, 1, 1}}) {
            GemmCase gemmCase = GemmCase.dense(transA, transB, mnk[0], mnk[1], mnk[2], 0.8f, 0f).withNaNInC();
            float[] result = check(provider, random, gemmCase);
            for (float value : result) {
                assertTrue(Float.isFinite(value), "beta = 0 must overwrite C without reading it; "
                        + gemmCase + " " + random.describe());
            }
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("providersAndTransposes")
    void betaOneAccumulatesIntoC(KernelProvider provider, boolean transA, boolean transB) {
        TestRandom random = new TestRandom();
        for (int[] mnk : new int[][] {{31, 17, 65}, {130, 63, 33}}) {
            check(provider, random, GemmCase.dense(transA, transB, mnk[0], mnk[1], mnk[2], 1f, 1f));
            check(provider, random, GemmCase.dense(transA, transB, mnk[0], mnk[1], mnk[2], -2f, 1f));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void kZeroScalesCByBeta(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (float beta : new float[] {0f, 1f, -0.6f}) {
            for (int[] mn : new int[][] {{17, 33}, {1, 65}, {130, 2}}) {
                float[] result = check(provider, random, GemmCase.dense(false, true, mn[0], mn[1], 0, 1.5f, beta));
                if (beta == 0) {
                    for (float value : result) {
                        assertTrue(value == 0f, "k = 0, beta = 0 must give zeros, got " + value + " "
                                + random.describe());
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void alphaZeroDoesNotReadAOrB(KernelProvider provider) {
        TestRandom random = new TestRandom();
        GemmCase gemmCase = GemmCase.dense(false, false, 33, 17, 65, 0f, 0.5f).withNaNInAAndB();
        float[] result = check(provider, random, gemmCase);
        for (float value : result) {
            assertTrue(Float.isFinite(value), "alpha = 0 must give beta·C without reading A or B; " + gemmCase
                    + " " + random.describe());
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("providersAndTransposes")
    void stridedBatchesWithGapsAndBroadcasts(KernelProvider provider, boolean transA, boolean transB) {
        TestRandom random = new TestRandom();
        for (int batch : new int[] {0, 1, 3, 5}) {
            GemmCase dense = GemmCase.dense(transA, transB, 17, 33, 31, 0.6f, 0.3f);
            // gaps of a few floats between consecutive matrices
            GemmCase gapped = dense.withBatch(batch, dense.matrixA() + 5, dense.matrixB() + 3, dense.matrixC() + 9);
            check(provider, random, gapped);
            check(provider, random, dense.withBatch(batch, 0, dense.matrixB(), dense.matrixC()));
            check(provider, random, dense.withBatch(batch, dense.matrixA(), 0, dense.matrixC()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void attentionShapesBatched(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int batch = 6;
        // scores = Q·Kᵀ (m=128, n=128, k=64) and context = P·V (m=128, n=64, k=128), heads stored one after another
        GemmCase scores = GemmCase.dense(false, true, 128, 128, 64, 0.125f, 0f);
        check(provider, random, scores.withBatch(batch, scores.matrixA(), scores.matrixB(), scores.matrixC()));
        GemmCase context = GemmCase.dense(false, false, 128, 64, 128, 1f, 0f);
        check(provider, random, context.withBatch(batch, context.matrixA(), context.matrixB(), context.matrixC()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void interleavedHeadsBatch(KernelProvider provider) {
        TestRandom random = new TestRandom();
        // P·V with V and the output stored token-major [seq, heads·dh]: head h starts h·dh floats into each row, so
        // the batch stride (dh) is smaller than one matrix and the matrices of the batch interleave.
        int heads = 3;
        int seq = 33;
        int headDim = 17;
        int width = heads * headDim;
        GemmCase interleaved = new GemmCase(false, false, seq, headDim, seq, 1f, 0f, seq, width, width,
                heads, (long) seq * seq, headDim, headDim, false, false);
        check(provider, random, interleaved);
        // and Q·Kᵀ reading Q and K from the same token-major layout
        GemmCase scores = new GemmCase(false, true, seq, seq, headDim, 0.25f, 0f, width, width, seq,
                heads, headDim, headDim, (long) seq * seq, false, false);
        check(provider, random, scores);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void groupedBatchesOfHeadsWithinExamples(KernelProvider provider) {
        TestRandom random = new TestRandom();
        // attention read in place from [examples, seq, heads·dh]: heads are the inner batch (stride dh), examples the
        // groups (stride seq·heads·dh); the scores [examples, heads, seq, seq] are dense
        int examples = 3;
        int heads = 4;
        int seq = 33;
        int headDim = 17;
        int width = heads * headDim;
        long tokens = (long) seq * width;
        long scores = (long) seq * seq;
        // scores = Q·Kᵀ
        checkGrouped(provider, random, new GroupedCase(false, true, seq, seq, headDim, 0.25f, 0f,
                width, headDim, tokens, width, headDim, tokens, seq, scores, heads * scores, heads, examples));
        // context = P·V, accumulated into a random C (beta = 0.5)
        checkGrouped(provider, random, new GroupedCase(false, false, seq, headDim, seq, 1f, 0.5f,
                seq, scores, heads * scores, width, headDim, tokens, width, headDim, tokens, heads, examples));
        // one B for every group (group stride 0), a transposed A, and gaps between the groups of C
        checkGrouped(provider, random, new GroupedCase(true, false, seq, headDim, seq, -0.5f, 0f,
                seq, scores, heads * scores + 7, width, headDim, 0, width, headDim, tokens + 5, heads, examples));
    }

    /** A {@link Gemm#gemmGroupedBatched} call's arguments. */
    record GroupedCase(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                       int lda, long strideA, long groupA, int ldb, long strideB, long groupB,
                       int ldc, long strideC, long groupC, int batch, int groups) {

        /** Floats from the first element of the first product to the last element of the last one. */
        private static int extent(int rows, int cols, int ld, long stride, long group, int batch, int groups) {
            return Math.toIntExact((groups - 1) * group + (batch - 1) * stride + (long) (rows - 1) * ld + cols);
        }

        int extentA() {
            return transA ? extent(k, m, lda, strideA, groupA, batch, groups)
                    : extent(m, k, lda, strideA, groupA, batch, groups);
        }

        int extentB() {
            return transB ? extent(n, k, ldb, strideB, groupB, batch, groups)
                    : extent(k, n, ldb, strideB, groupB, batch, groups);
        }

        int extentC() {
            return extent(m, n, ldc, strideC, groupC, batch, groups);
        }

        void run(Gemm gemm, float alphaToUse, float betaToUse, MemorySegment a, MemorySegment b, MemorySegment c) {
            gemm.gemmGroupedBatched(transA, transB, m, n, k, alphaToUse, a, lda, strideA, groupA, b, ldb, strideB,
                    groupB, betaToUse, c, ldc, strideC, groupC, batch, groups);
        }
    }

    /** As {@link #check}, for a grouped batch: the provider against the reference, the whole C buffer. */
    private static void checkGrouped(KernelProvider provider, TestRandom random, GroupedCase g) {
        float[] a = random.uniform(g.extentA(), -1f, 1f);
        float[] b = random.uniform(g.extentB(), -1f, 1f);
        float[] c = random.uniform(g.extentC(), -1f, 1f);
        float[] expected = runGrouped(KernelImplementations.reference(), g, g.alpha(), g.beta(), a, b, c);
        float[] actual = runGrouped(provider, g, g.alpha(), g.beta(), a, b, c);
        float[] magnitude = runGrouped(KernelImplementations.reference(), g, Math.abs(g.alpha()), Math.abs(g.beta()),
                abs(a), abs(b), abs(c));
        double scale = finiteNorm(magnitude) / finiteNorm(expected);
        Accuracy.assertClose(expected, actual, magnitudeTolerance(g.k()) * scale,
                provider.name() + " " + g + " " + random.describe());
    }

    private static float[] runGrouped(KernelProvider provider, GroupedCase g, float alpha, float beta, float[] a,
                                      float[] b, float[] c) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment cSegment = buffers.floats(c);
            g.run(provider.gemm(), alpha, beta, buffers.floats(a), buffers.floats(b), cSegment);
            return buffers.readFloats(cSegment, c.length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void invalidArgumentsAreRejectedWithTheKernelNamed(KernelProvider provider) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            Gemm gemm = provider.gemm();
            MemorySegment a = buffers.emptyFloats(6);
            MemorySegment b = buffers.emptyFloats(6);
            MemorySegment c = buffers.emptyFloats(4);
            IllegalArgumentException badLd = assertThrows(IllegalArgumentException.class,
                    () -> gemm.gemm(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
            assertTrue(badLd.getMessage().contains("lda=2"), badLd.getMessage());
            IndexOutOfBoundsException shortC = assertThrows(IndexOutOfBoundsException.class,
                    () -> gemm.gemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 3));
            assertTrue(shortC.getMessage().contains(": C ("), shortC.getMessage());
            IndexOutOfBoundsException shortBatch = assertThrows(IndexOutOfBoundsException.class,
                    () -> gemm.gemmStridedBatched(false, false, 2, 2, 3, 1f, a, 3, 6, b, 2, 0, 0f, c, 2, 0, 2));
            assertTrue(shortBatch.getMessage().contains(": A ("), shortBatch.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> gemm.gemm(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        }
    }

    /**
     * Runs {@code gemmCase} on the reference and on {@code provider} with the same random operands, asserts the
     * whole C buffers match, and returns the provider's C buffer.
     */
    private static float[] check(KernelProvider provider, TestRandom random, GemmCase gemmCase) {
        float[] a = gemmCase.nanInAAndB() ? nans(gemmCase.extentA()) : random.uniform(gemmCase.extentA(), -1f, 1f);
        float[] b = gemmCase.nanInAAndB() ? nans(gemmCase.extentB()) : random.uniform(gemmCase.extentB(), -1f, 1f);
        float[] c = gemmCase.nanInC() ? nans(gemmCase.extentC()) : random.uniform(gemmCase.extentC(), -1f, 1f);
        float[] expected = run(KernelImplementations.reference(), gemmCase, a, b, c);
        float[] actual = run(provider, gemmCase, a, b, c);
        float[] magnitude = run(KernelImplementations.reference(), gemmCase.withAbsoluteScalars(), abs(a), abs(b),
                abs(c));
        // Accuracy measures against ‖expected‖ (or absolutely when that is 0); convert the bound on ‖M‖
        double expectedNorm = finiteNorm(expected);
        double scale = expectedNorm == 0 ? finiteNorm(magnitude) : finiteNorm(magnitude) / expectedNorm;
        Accuracy.assertClose(expected, actual, magnitudeTolerance(gemmCase.k()) * scale,
                provider.name() + " " + gemmCase + " " + random.describe());
        return actual;
    }

    private static float[] run(KernelProvider provider, GemmCase g, float[] a, float[] b, float[] c) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment aSegment = buffers.floats(a);
            MemorySegment bSegment = buffers.floats(b);
            MemorySegment cSegment = buffers.floats(c);
            Gemm gemm = provider.gemm();
            if (g.batch() == 1 && g.strideA() == 0 && g.strideB() == 0 && g.strideC() == 0) {
                gemm.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), aSegment, g.lda(), bSegment,
                        g.ldb(), g.beta(), cSegment, g.ldc());
            } else {
                gemm.gemmStridedBatched(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(),
                        aSegment, g.lda(), g.strideA(), bSegment, g.ldb(), g.strideB(),
                        g.beta(), cSegment, g.ldc(), g.strideC(), g.batch());
            }
            return buffers.readFloats(cSegment, c.length);
        }
    }

    private static float[] abs(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.abs(values[i]);
        }
        return out;
    }

    private static double finiteNorm(float[] values) {
        double sum = 0;
        for (float value : values) {
            if (Float.isFinite(value)) {
                sum += (double) value * value;
            }
        }
        return Math.sqrt(sum);
    }

    private static float[] nans(int n) {
        float[] out = new float[n];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    /** One call's arguments; a single product is a batch of 1 with zero strides. */
    record GemmCase(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                    int lda, int ldb, int ldc, int batch, long strideA, long strideB, long strideC,
                    boolean nanInC, boolean nanInAAndB) {

        /** A single product with the smallest leading dimensions. */
        static GemmCase dense(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
            int lda = Math.max(1, transA ? m : k);
            int ldb = Math.max(1, transB ? k : n);
            int ldc = Math.max(1, n);
            return new GemmCase(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, 1, 0, 0, 0, false, false);
        }

        GemmCase withLeadingDimensions(int newLda, int newLdb, int newLdc) {
            return new GemmCase(transA, transB, m, n, k, alpha, beta, newLda, newLdb, newLdc, batch,
                    strideA, strideB, strideC, nanInC, nanInAAndB);
        }

        GemmCase withBatch(int newBatch, long newStrideA, long newStrideB, long newStrideC) {
            return new GemmCase(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, newBatch,
                    newStrideA, newStrideB, newStrideC, nanInC, nanInAAndB);
        }

        GemmCase withAbsoluteScalars() {
            return new GemmCase(transA, transB, m, n, k, Math.abs(alpha), Math.abs(beta), lda, ldb, ldc, batch,
                    strideA, strideB, strideC, nanInC, nanInAAndB);
        }

        GemmCase withNaNInC() {
            return new GemmCase(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, batch,
                    strideA, strideB, strideC, true, nanInAAndB);
        }

        GemmCase withNaNInAAndB() {
            return new GemmCase(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, batch,
                    strideA, strideB, strideC, nanInC, true);
        }

        /** Floats spanned by one stored matrix (rows × cols with row stride ld). */
        private static long matrix(int rows, int cols, int ld) {
            return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        }

        long matrixA() {
            return transA ? matrix(k, m, lda) : matrix(m, k, lda);
        }

        long matrixB() {
            return transB ? matrix(n, k, ldb) : matrix(k, n, ldb);
        }

        long matrixC() {
            return matrix(m, n, ldc);
        }

        private static int extent(long matrix, long stride, int batch) {
            return batch == 0 || matrix == 0 ? 0 : Math.toIntExact((batch - 1) * stride + matrix);
        }

        int extentA() {
            return extent(matrixA(), strideA, batch);
        }

        int extentB() {
            return extent(matrixB(), strideB, batch);
        }

        int extentC() {
            return extent(matrixC(), strideC, batch);
        }

        @Override
        public String toString() {
            return "gemm(transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + (batch != 1 || strideA != 0 || strideB != 0 || strideC != 0
                    ? " batch=" + batch + " strides=" + strideA + "/" + strideB + "/" + strideC : "")
                    + (nanInC ? " C=NaN" : "") + (nanInAAndB ? " A,B=NaN" : "") + ")";
        }
    }
}
