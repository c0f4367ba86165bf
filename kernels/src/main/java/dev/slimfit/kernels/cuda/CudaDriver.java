package dev.slimfit.kernels.cuda;

/**
 * What the CUDA provider needs from the GPU, in one narrow interface: raw and pinned memory, copies and fills on the
 * provider's stream, kernel launches from the fatbin, cuBLAS GEMMs and events. {@link JavaCppCudaDriver} implements
 * it over JavaCPP's cudart/cuBLAS bindings. The seam also lets the tests run every launcher without a GPU against a
 * driver that records launches (checking argument packing and launch shapes, not numbers).
 *
 * <p>Addresses are raw device or host pointers; every asynchronous call is ordered on the one stream.
 */
public interface CudaDriver extends AutoCloseable {

    /** The GPU's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    String deviceName();

    /** Compute capability as major·10 + minor, e.g. 90. */
    int computeCapability();

    int multiprocessors();

    /** cudaMalloc: at least 256-byte aligned. */
    long allocate(long bytes);

    void free(long address);

    /** Page-locked host memory (cudaMallocHost). */
    long allocatePinned(long bytes);

    void freePinned(long address);

    /** Asynchronous copy on the stream. */
    void copy(long dst, long src, long bytes, CopyDirection direction);

    /** Asynchronous byte fill on the stream (cudaMemsetAsync). */
    void fill(long address, int byteValue, long bytes);

    /** Waits for the stream and reports any error a kernel raised meanwhile. */
    void synchronize();

    void launch(KernelFunction function, LaunchShape shape, KernelArguments arguments);

    /**
     * Column-major cuBLAS SGEMM, strided-batched when {@code batch != 1} or any stride is non-zero:
     * {@code C_i = alpha·op(A_i)·op(B_i) + beta·C_i}, C m×n.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
               long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch);

    /**
     * cuBLAS's pointer-array batched SGEMM (column-major, as {@link #sgemm}): {@code aArray}, {@code bArray} and
     * {@code cArray} are device addresses of arrays of {@code batch} device pointers, one per product.
     */
    void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long aArray, int lda,
                      long bArray, int ldb, float beta, long cArray, int ldc, int batch);

    /** Lets cuBLAS use TF32 tensor cores for float32 GEMMs (off by default). */
    void tensorFloat32(boolean enabled);

    /** {@code {free, total}} device bytes as cudaMemGetInfo reports them. */
    long[] memoryInfo();

    CudaEvent createEvent();

    @Override
    void close();
}
