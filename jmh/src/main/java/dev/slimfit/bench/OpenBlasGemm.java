package dev.slimfit.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_full;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * OpenBLAS {@code cblas_sgemm} (row-major) through JavaCPP, on our own off-heap buffers: a {@link FloatPointer} is
 * made at a segment's address, nothing is copied. The JavaCPP presets do not map {@code cblas_sgemm_batch_strided}
 * although the bundled library (0.3.31) exports it, so it is called through an FFM downcall into the library
 * JavaCPP already loaded; where it is missing, batches fall back to one {@code cblas_sgemm} per matrix.
 */
final class OpenBlasGemm {

    private static final MethodHandle BATCH_STRIDED = findBatchStrided();

    private static volatile int threads = 1;

    private OpenBlasGemm() {
    }

    /** Sets the thread count of OpenBLAS's own pool. */
    static void setThreads(int threadCount) {
        openblas_full.openblas_set_num_threads(threadCount);
        threads = threadCount;
    }

    /** {@code "OpenBLAS 0.3.31 DYNAMIC_ARCH ... Zen"}: what this library is and which kernels it picked. */
    static String describe() {
        return openblas_full.openblas_get_config().getString() + " core=" + openblas_full.openblas_get_corename()
                .getString() + (BATCH_STRIDED != null ? " (cblas_sgemm_batch_strided)" : " (no batch_strided)");
    }

    /** A pointer to the floats of a native segment, sharing its memory. */
    static FloatPointer pointerTo(MemorySegment segment) {
        return new FloatPointer(new SegmentAddress(segment));
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
                      FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        openblas_full.cblas_sgemm(openblas_full.CblasRowMajor, transpose(transA), transpose(transB), m, n, k,
                alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /**
     * A strided batch; {@code a}, {@code b}, {@code c} point at the first matrices and are left at that position.
     * On one thread this is a loop of {@code cblas_sgemm}: measured here, {@code cblas_sgemm_batch_strided} with one
     * thread was sometimes two orders of magnitude slower (0.5 instead of 55 GFLOP/s on the attention shapes), while
     * on two threads it is the variant that splits the batch instead of each small product.
     */
    static void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    FloatPointer a, int lda, int strideA, FloatPointer b, int ldb, int strideB,
                                    float beta, FloatPointer c, int ldc, int strideC, int batch) {
        if (BATCH_STRIDED != null && threads > 1) {
            try {
                BATCH_STRIDED.invokeExact(openblas_full.CblasRowMajor, transpose(transA), transpose(transB), m, n, k,
                        alpha, MemorySegment.ofAddress(a.address()), lda, strideA,
                        MemorySegment.ofAddress(b.address()), ldb, strideB,
                        beta, MemorySegment.ofAddress(c.address()), ldc, strideC, batch);
            } catch (Throwable t) {
                throw new IllegalStateException("cblas_sgemm_batch_strided downcall failed", t);
            }
            return;
        }
        for (int i = 0; i < batch; i++) {
            sgemm(transA, transB, m, n, k, alpha, a.position((long) i * strideA), lda, b.position((long) i * strideB),
                    ldb, beta, c.position((long) i * strideC), ldc);
        }
        a.position(0);
        b.position(0);
        c.position(0);
    }

    private static int transpose(boolean trans) {
        return trans ? openblas_full.CblasTrans : openblas_full.CblasNoTrans;
    }

    private static MethodHandle findBatchStrided() {
        Loader.load(openblas_full.class);
        Optional<String> library = Loader.getLoadedLibraries().values().stream()
                .filter(path -> Path.of(path).getFileName().toString().startsWith("libopenblas.so"))
                .findFirst();
        if (library.isEmpty()) {
            return null;
        }
        Optional<MemorySegment> symbol = SymbolLookup.libraryLookup(Path.of(library.get()), Arena.global())
                .find("cblas_sgemm_batch_strided");
        if (symbol.isEmpty()) {
            return null;
        }
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        ValueLayout p = ValueLayout.ADDRESS;
        // (order, transA, transB, M, N, K, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch),
        // every integer a 32-bit blasint in this build
        return Linker.nativeLinker().downcallHandle(symbol.get(),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, i, p, i, i, f, p, i, i, i));
    }

    /**
     * A raw pointer at a segment's address, for {@link FloatPointer}'s copy constructor (which takes the address,
     * limit and capacity as they are, so they are counted in floats).
     */
    private static final class SegmentAddress extends Pointer {
        SegmentAddress(MemorySegment segment) {
            this.address = segment.address();
            this.limit = segment.byteSize() / Float.BYTES;
            this.capacity = this.limit;
        }
    }
}
