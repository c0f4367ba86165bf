package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Gemm;
import dev.slimfit.kernels.GemmArguments;

import java.lang.foreign.MemorySegment;

/**
 * {@link Gemm} through cuBLAS. cuBLAS is column-major and a row-major matrix read column-major is its transpose, so
 * the row-major {@code C = op(A)·op(B)} is computed as the column-major {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: the operands
 * swap places (B first), m and n swap, the transpose flags and leading dimensions stay with their matrices. When
 * alpha or k is 0 no product is needed and our own kernel scales C by beta (without reading C when beta is 0), so A
 * and B are never read, as the contract requires; beta = 0 in cuBLAS likewise does not read C. TF32 is off unless
 * asked for.
 */
final class CudaGemm implements Gemm {

    private final CudaExecution execution;

    CudaGemm(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                     MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        GemmArguments.check("CudaGemm.gemm", transA, transB, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0, 1);
        run(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    }

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB,
                                   float beta, MemorySegment c, int ldc, long strideC, int batch) {
        GemmArguments.check("CudaGemm.gemmStridedBatched", transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB,
                c, ldc, strideC, batch);
        run(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
    }

    private void run(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                     long strideA, MemorySegment b, int ldb, long strideB, float beta, MemorySegment c, int ldc,
                     long strideC, int batch) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        if (alpha == 0 || k == 0) {
            if (beta != 1) {
                execution.kernel(KernelFunction.SCALE_MATRICES_F32, LaunchShape.columnsByRows(n, (long) m * batch))
                        .float32(beta).pointer(c).int64(m).int64(n).int64(ldc).int64(batch).int64(strideC).launch();
            }
            return;
        }
        execution.driver().sgemm(transB, transA, n, m, k, alpha, b.address(), ldb, strideB, a.address(), lda,
                strideA, beta, c.address(), ldc, strideC, batch);
    }
}
