package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java half of the CUDA provider, run without a GPU against {@link RecordingCudaDriver}: every family method packs
 * arguments that match its kernel's signature (checked as they are packed), passes only live device pointers, launches
 * within the hardware's limits, and reaches every kernel of the fatbin; GEMM maps row-major onto cuBLAS's
 * column-major correctly; empty inputs launch nothing that would touch memory. What the kernels compute is checked
 * only on a GPU, by the shared kernel suite.
 */
class CudaLaunchersTest {

    private final RecordingCudaDriver driver = new RecordingCudaDriver();
    private final CudaKernels kernels = new CudaKernels(driver);
    private final TestRandom random = new TestRandom();

    @AfterEach
    void close() {
        kernels.close();
    }

    private MemorySegment floats(long n) {
        return kernels.memory().allocate(Math.max(1, n) * Float.BYTES);
    }

    @Test
    void everyKernelIsReachableAndEveryLaunchMatchesItsSignature() {
        int rows = 37 + random.nextInt(20);
        int cols = 129 + random.nextInt(100);
        long n = (long) rows * cols;
        MemorySegment x = floats(n);
        MemorySegment y = floats(n);
        MemorySegment z = floats(n);
        MemorySegment perRow = floats(rows);
        MemorySegment perRow2 = floats(rows);
        MemorySegment perCol = floats(cols);
        MemorySegment perCol2 = floats(cols);
        MemorySegment indices = kernels.memory().allocate((long) rows * Integer.BYTES);
        kernels.memory().zero(indices, (long) rows * Integer.BYTES); // index 0: valid everywhere
        String what = random.describe();

        var e = kernels.elementwise();
        e.add(n, x, y, z);
        e.mul(n, x, y, z);
        e.scale(n, 2f, x, z);
        e.axpy(n, 0.5f, x, y);
        e.fill(n, 1f, z);
        e.addBias(rows, cols, x, perCol, z);
        e.biasResidual(rows, cols, x, null, y, z);
        for (int bytes : new int[] {1, 2, 4, 8}) {
            e.copyStrided(new long[] {rows, cols / 2}, new long[] {1, rows}, x, z, bytes);
            e.copyStridedToStrided(new long[] {rows, cols / 2}, new long[] {1, rows}, x, new long[] {cols / 2, 1}, z,
                    bytes);
        }
        var a = kernels.activations();
        a.geluForward(n, x, y);
        a.geluBackward(n, x, y, z);
        a.tanhForward(n, x, y);
        a.tanhBackward(n, x, y, z);
        kernels.softmax().forward(rows, cols, 0.125f, x, perCol, rows, y);
        kernels.softmax().backward(rows, cols, 0.125f, y, x, z);
        kernels.layerNorm().forward(rows, cols, 1e-12f, x, perCol, perCol2, y, perRow, perRow2);
        kernels.layerNorm().backward(rows, cols, x, perRow, perRow2, perCol, y, z, perCol, perCol2);
        kernels.layerNorm().backwardFromNormalized(rows, cols, x, perRow2, perCol, y, z, perCol, null);
        kernels.embedding().gather(rows, cols, x, rows, indices, y);
        kernels.embedding().scatterAdd(rows, cols, y, indices, x, rows);
        kernels.dropout().forward(n, 0.1f, random.nextLong(), 4L * random.nextInt(1000) + 3, x, y);
        kernels.dropout().backward(n, 0.1f, 7, 0, y, z);
        kernels.losses().crossEntropyForward(rows, cols, x, indices, -100, perRow);
        kernels.losses().crossEntropyBackward(rows, cols, x, indices, -100, 1f, z);
        kernels.losses().mseForward(n, x, y, perRow);
        kernels.losses().mseBackward(n, x, y, 1f, z);
        var r = kernels.reductions();
        r.sum(n, x, perRow);
        r.mean(n, x, perRow);
        r.max(n, x, perRow);
        r.sumLastDim(rows, cols, x, perRow);
        r.meanLastDim(rows, cols, x, perRow);
        r.maxLastDim(rows, cols, x, perRow);
        r.sumFirstDim(rows, cols, x, perCol);
        AdamWParams params = new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        MemorySegment v = floats(n);
        for (ChangeMetric metric : ChangeMetric.values()) {
            kernels.optimizers().adamw(n, x, y, z, v, params, metric);
        }
        var c = kernels.codecs();
        MemorySegment bytes = kernels.memory().allocate(n);
        c.encodeInt8(n, 4, x, bytes);
        c.decodeInt8(n, 4, bytes, y);
        c.encodeUint8(n, x, bytes);
        c.decodeUint8(n, bytes, y);
        c.encodeInt4(n, 1, x, bytes);
        c.decodeInt4(n, 1, bytes, y);
        int k = cols / 10;
        MemorySegment kept = floats((long) rows * k);
        MemorySegment keptIndices = kernels.memory().allocate((long) rows * k * Integer.BYTES);
        kernels.memory().zero(keptIndices, (long) rows * k * Integer.BYTES);
        c.encodeTopK(rows, cols, k, x, kept, keptIndices);
        c.decodeTopK(rows, cols, k, kept, keptIndices, y);
        kernels.gemm().gemm(false, true, rows, rows, cols, 1f, x, cols, y, cols, 0f, z, rows);
        kernels.gemm().gemm(false, false, rows, cols, 0, 1f, x, 1, y, cols, 0.5f, z, cols);
        kernels.gemm().gemmGroupedBatched(false, false, 4, 4, 4, 1f, x, 4, 16, 32, y, 4, 16, 32, 0f, z, 4, 16, 32, 2,
                2);

        Set<KernelFunction> launched = driver.launches.stream().map(RecordingCudaDriver.Launch::function)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(KernelFunction.class)));
        Set<KernelFunction> missing = EnumSet.complementOf(EnumSet.copyOf(launched));
        assertTrue(missing.isEmpty(), "kernels no launcher reached: " + missing + " " + what);
        assertEquals(1, driver.sgemms.size(), "one cuBLAS call (k = 0 is a scale of C) " + what);
    }

    @Test
    void emptyInputsLaunchNothingThatTouchesMemory() {
        MemorySegment x = floats(16);
        MemorySegment out = floats(16);
        kernels.elementwise().add(0, x, x, out);
        kernels.elementwise().addBias(0, 5, x, x, out);
        kernels.elementwise().copyStrided(new long[] {4, 0, 3}, new long[] {0, 3, 1}, x, out, 4);
        kernels.activations().geluForward(0, x, out);
        kernels.softmax().forward(0, 7, 1f, x, null, 1, out);
        kernels.dropout().forward(0, 0.5f, 1, 0, x, out);
        kernels.codecs().encodeTopK(3, 5, 0, x, out, out);
        kernels.embedding().gather(0, 8, x, 5, x, out);
        kernels.gemm().gemm(false, false, 0, 4, 4, 1f, x, 4, x, 4, 0f, out, 4);
        assertEquals(List.of(), driver.launches);
        assertTrue(driver.sgemms.isEmpty());
    }

    /** Row-major C = op(A)·op(B) is cuBLAS's column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: operands and m/n swap, flags follow. */
    @Test
    void gemmMapsRowMajorOntoColumnMajorCublas() {
        int m = 17;
        int n = 33;
        int k = 65;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                driver.sgemms.clear();
                int lda = (transA ? m : k) + 3;
                int ldb = (transB ? k : n) + 5;
                int ldc = n + 7;
                MemorySegment a = floats((long) (transA ? k : m) * lda);
                MemorySegment b = floats((long) (transB ? n : k) * ldb);
                MemorySegment c = floats((long) m * ldc);
                kernels.gemm().gemm(transA, transB, m, n, k, 1.5f, a, lda, b, ldb, 0.25f, c, ldc);
                assertEquals(List.of(new RecordingCudaDriver.Sgemm(transB, transA, n, m, k, 1.5f, b.address(), ldb, 0,
                        a.address(), lda, 0, 0.25f, c.address(), ldc, 0, 1)), driver.sgemms,
                        "transA=" + transA + " transB=" + transB);
            }
        }
        MemorySegment a = floats(6L * 64 * 128);
        MemorySegment b = floats(6L * 64 * 128);
        MemorySegment c = floats(6L * 128 * 128);
        driver.sgemms.clear();
        kernels.gemm().gemmStridedBatched(false, true, 128, 128, 64, 0.125f, a, 64, 128 * 64, b, 64, 128 * 64, 0f, c,
                128, 128 * 128, 6);
        assertEquals(List.of(new RecordingCudaDriver.Sgemm(true, false, 128, 128, 64, 0.125f, b.address(), 64,
                128 * 64, a.address(), 64, 128 * 64, 0f, c.address(), 128, 128 * 128, 6)), driver.sgemms);
    }

    @Test
    void groupedBatchIsOnePointerArrayCallWhoseArraysAKernelFillsInStreamOrder() {
        // attention's scores from [examples=3, seq=128, heads=6 · 64]: heads inner (stride 64), examples the groups
        int examples = 3;
        int heads = 6;
        long tokens = 128L * heads * 64;
        long scores = 128L * 128;
        MemorySegment q = floats(examples * tokens);
        MemorySegment k = floats(examples * tokens);
        MemorySegment s = floats(examples * heads * scores);
        kernels.gemm().gemmGroupedBatched(false, true, 128, 128, 64, 0.125f, q, heads * 64, 64, tokens, k, heads * 64,
                64, tokens, 0f, s, 128, scores, heads * scores, heads, examples);
        assertTrue(driver.sgemms.isEmpty(), "no call per group");
        assertEquals(1, driver.launches.size());
        RecordingCudaDriver.Launch fill = driver.launches.getFirst();
        assertEquals(KernelFunction.GEMM_POINTERS, fill.function());
        long arrays = fill.words().getFirst();
        long count = (long) heads * examples;
        // cuBLAS's operands are B then A (Cᵀ = Bᵀ·Aᵀ): the first array is K's
        assertEquals(List.of(arrays, (long) heads, (long) examples, k.address(), 64L, tokens, q.address(), 64L, tokens,
                s.address(), scores, heads * scores), fill.words());
        assertTrue(fill.shape().gridX() * (long) fill.shape().blockX() >= 1, "a grid-stride launch");
        assertEquals(List.of(new RecordingCudaDriver.SgemmBatched(true, false, 128, 128, 64, 0.125f, arrays,
                heads * 64, arrays + count * Long.BYTES, heads * 64, 0f, arrays + 2 * count * Long.BYTES, 128,
                (int) count)), driver.batchedSgemms);
        // the last group's extent is checked before anything is launched
        driver.launches.clear();
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.gemm().gemmGroupedBatched(false, true, 128, 128,
                64, 1f, q, heads * 64, 64, tokens + 1, k, heads * 64, 64, tokens, 0f, s, 128, scores, heads * scores,
                heads, examples));
        assertTrue(driver.launches.isEmpty());
    }

    @Test
    void gemmWithAlphaZeroOrKZeroScalesCInsteadOfReadingAOrB() {
        MemorySegment a = floats(64);
        MemorySegment c = floats(64);
        kernels.gemm().gemmStridedBatched(false, false, 4, 4, 4, 0f, a, 4, 16, a, 4, 16, 0.5f, c, 4, 16, 2);
        kernels.gemm().gemm(false, false, 4, 4, 0, 1f, a, 1, a, 4, 0f, c, 4);
        kernels.gemm().gemm(false, false, 4, 4, 0, 1f, a, 1, a, 4, 1f, c, 4); // beta = 1: nothing to do
        assertTrue(driver.sgemms.isEmpty());
        assertEquals(List.of(KernelFunction.SCALE_MATRICES_F32, KernelFunction.SCALE_MATRICES_F32),
                driver.launches.stream().map(RecordingCudaDriver.Launch::function).toList());
        // beta, c, rows, cols, ld, batch, stride
        assertEquals(List.of((long) Float.floatToIntBits(0.5f), c.address(), 4L, 4L, 4L, 2L, 16L),
                driver.launches.getFirst().words());
    }

    @Test
    void launchesStayWithinGridLimitsForLargeShapes() {
        int rows = 200_000;
        int cols = 3;
        MemorySegment x = floats((long) rows * cols);
        MemorySegment out = floats((long) rows * cols);
        kernels.elementwise().addBias(rows, cols, x, x, out);
        kernels.softmax().forward(rows, cols, 1f, x, null, 1, out);
        kernels.reductions().sumFirstDim(rows, cols, x, out);
        for (RecordingCudaDriver.Launch launch : driver.launches) {
            assertTrue(launch.shape().gridY() <= LaunchShape.MAX_GRID_Y, launch.toString());
        }
        RecordingCudaDriver.Launch partials = driver.launches.stream()
                .filter(l -> l.function() == KernelFunction.COLUMN_SUM_PARTIALS_F32).findFirst().orElseThrow();
        assertEquals(CudaExecution.MAX_COLUMN_CHUNKS, partials.shape().gridY(), "chunks of a 200,000-row column sum");
    }

    @Test
    void wrongArgumentsFailInJavaNamingTheKernel() {
        CudaExecution execution = new CudaExecution(driver);
        IllegalStateException wrongType = assertThrows(IllegalStateException.class, () -> execution
                .kernel(KernelFunction.ADD_F32, LaunchShape.singleBlock(32)).float32(1f));
        assertTrue(wrongType.getMessage().contains("slimfit_add_f32") && wrongType.getMessage().contains("FLOAT32"),
                wrongType.getMessage());
        IllegalStateException tooFew = assertThrows(IllegalStateException.class, () -> execution
                .kernel(KernelFunction.FILL_F32, LaunchShape.singleBlock(32)).float32(1f).launch());
        assertTrue(tooFew.getMessage().contains("1 arguments"), tooFew.getMessage());
        execution.close();
    }

    @Test
    void stridedLayoutsMergeWhatIsContiguousAndKeepTheRest() {
        StridedLayout contiguous = StridedLayout.simplify("t", new long[] {2, 3, 4}, new long[] {12, 4, 1}, null);
        assertArrayEquals(new long[] {24}, contiguous.shape());
        StridedLayout transpose = StridedLayout.simplify("t", new long[] {37, 53}, new long[] {1, 37}, null);
        assertArrayEquals(new long[] {37, 53}, transpose.shape());
        assertArrayEquals(new long[] {1, 37}, transpose.srcStrides());
        assertArrayEquals(new long[] {53, 1}, transpose.dstStrides());
        StridedLayout heads = StridedLayout.simplify("t", new long[] {2, 4, 17, 16},
                new long[] {17 * 4 * 16, 16, 4 * 16, 1}, null);
        assertEquals(4, heads.rank(), "a head split cannot merge");
        StridedLayout scalar = StridedLayout.simplify("t", new long[] {}, new long[] {}, null);
        assertArrayEquals(new long[] {1}, scalar.shape());
        StridedLayout sizeOnes = StridedLayout.simplify("t", new long[] {1, 17, 1}, new long[] {5, 1, 7}, null);
        assertArrayEquals(new long[] {17}, sizeOnes.shape());
        assertEquals(null, StridedLayout.simplify("t", new long[] {4, 0, 3}, new long[] {0, 3, 1}, null));
        long[] nine = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        long[] alternating = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536}; // reversed order: nothing merges
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> StridedLayout.simplify("copy", nine, alternating, null));
        assertTrue(tooDeep.getMessage().contains("at most 8"), tooDeep.getMessage());
        assertEquals(StridedLayout.BYTES, StridedLayout.simplify("t", nine, new long[] {256, 128, 64, 32, 16, 8, 4,
                2, 1}, null).packed().length * Long.BYTES, "a contiguous rank-9 copy merges to one dimension");
    }

    @Test
    void radixPassesCoverTheLargestIndex() {
        assertEquals(1, CudaEmbedding.radixPasses(1));
        assertEquals(1, CudaEmbedding.radixPasses(256));
        assertEquals(2, CudaEmbedding.radixPasses(257));
        assertEquals(2, CudaEmbedding.radixPasses(30_522)); // BERT's vocabulary
        assertEquals(3, CudaEmbedding.radixPasses(65_537));
        assertEquals(4, CudaEmbedding.radixPasses(Integer.MAX_VALUE));
    }

    @Test
    void hostCopiesAboveTheThresholdGoThroughPinnedStagingAndArriveWhole() {
        int n = (int) (CudaMemory.STAGING_CHUNK / Float.BYTES * 2 + 12_345); // three chunks, the last one partial
        float[] values = random.uniform(n, -1, 1);
        MemorySegment device = floats(n);
        kernels.memory().copyFromHost(MemorySegment.ofArray(values), device, (long) n * Float.BYTES);
        float[] back = new float[n];
        kernels.memory().copyToHost(device, MemorySegment.ofArray(back), (long) n * Float.BYTES);
        assertArrayEquals(values, back, random.describe());
        assertEquals(2 * CudaMemory.STAGING_CHUNK, kernels.stagingBytes());
    }

    @Test
    void providerFreesWhatItAllocatesForItself() {
        RecordingCudaDriver own = new RecordingCudaDriver();
        CudaKernels provider = new CudaKernels(own);
        long before = own.liveDeviceBytes();
        MemorySegment x = provider.memory().allocate(4000);
        provider.reductions().sum(1000, x, x);
        provider.memory().free(x);
        assertTrue(own.liveDeviceBytes() > before, "the workspace stays for reuse");
        provider.close();
        assertEquals(0, own.liveDeviceBytes(), "close releases the workspace and the status block");
    }
}
