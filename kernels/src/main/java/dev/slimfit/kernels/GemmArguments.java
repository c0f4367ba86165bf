package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The O(1) argument checks every {@link Gemm} implementation runs before touching memory, so that a wrong size or
 * leading dimension fails with a message naming the kernel and the operand instead of a bare out-of-bounds access
 * deep inside a packed loop (or, on a device, a silent read of someone else's memory).
 */
public final class GemmArguments {

    private GemmArguments() {
    }

    /**
     * Checks a (possibly batched) GEMM call as described by {@link Gemm#gemmStridedBatched}; for a single product
     * pass {@code batch = 1} and strides of 0.
     *
     * @throws IllegalArgumentException for a negative size, batch or stride, or a leading dimension smaller than
     *                                  the stored row length
     * @throws IndexOutOfBoundsException when a segment is smaller than the elements the call would read or write
     */
    public static void check(String kernel, boolean transA, boolean transB, int m, int n, int k,
                             MemorySegment a, int lda, long strideA,
                             MemorySegment b, int ldb, long strideB,
                             MemorySegment c, int ldc, long strideC, int batch) {
        if (m < 0 || n < 0 || k < 0 || batch < 0) {
            throw new IllegalArgumentException(kernel + ": sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k
                    + " batch=" + batch);
        }
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException(kernel + ": batch strides must be >= 0, got strideA=" + strideA
                    + " strideB=" + strideB + " strideC=" + strideC);
        }
        // Stored shapes: A is m×k, or k×m when transposed; B is k×n, or n×k when transposed.
        checkOperand(kernel, "A", transA ? k : m, transA ? m : k, a, lda, strideA, batch);
        checkOperand(kernel, "B", transB ? n : k, transB ? k : n, b, ldb, strideB, batch);
        checkOperand(kernel, "C", m, n, c, ldc, strideC, batch);
    }

    private static void checkOperand(String kernel, String name, int rows, int cols, MemorySegment segment,
                                     int ld, long stride, int batch) {
        // As in BLAS, the leading dimension must cover a stored row even when the matrix is empty.
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(kernel + ": ld" + name.toLowerCase() + "=" + ld + " is smaller than the "
                    + cols + " columns of " + name + " as stored (" + rows + "×" + cols + ")");
        }
        long elements = requiredElements(rows, cols, ld, stride, batch);
        long available = segment.byteSize() / Float.BYTES;
        if (elements > available) {
            throw new IndexOutOfBoundsException(kernel + ": " + name + " (" + batch + " × " + rows + "×" + cols
                    + ", ld=" + ld + ", stride=" + stride + ") reaches element " + (elements - 1)
                    + " but its segment holds " + available + " floats");
        }
    }

    /** Elements from the first to one past the last one touched; 0 when nothing is touched. */
    private static long requiredElements(int rows, int cols, int ld, long stride, int batch) {
        if (rows == 0 || cols == 0 || batch == 0) {
            return 0;
        }
        long oneMatrix = (long) (rows - 1) * ld + cols;
        return (long) (batch - 1) * stride + oneMatrix;
    }
}
