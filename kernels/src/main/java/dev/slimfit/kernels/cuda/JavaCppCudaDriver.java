package dev.slimfit.kernels.cuda;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.util.function.IntSupplier;

/**
 * {@link CudaDriver} over JavaCPP: the runtime API for memory, copies, the stream and events; the driver API for
 * the primary context, loading the fatbin ({@code cuModuleLoadData}) and launching ({@code cuLaunchKernel}); cuBLAS
 * for GEMMs. Every return code is checked and turned into a {@link CudaException} naming the call; after each launch
 * the runtime's last error is checked too, and with {@code -D}{@value #SYNC_EACH_LAUNCH_PROPERTY}{@code =true} the
 * stream is synchronized after every launch so that an asynchronous fault is reported with the kernel that caused
 * it. Only functions that CUDA 13.0 has are called (JavaCPP binds lazily: a missing symbol would end the JVM).
 */
final class JavaCppCudaDriver implements CudaDriver {

    /** Synchronize after every launch (slow; localises asynchronous errors). */
    static final String SYNC_EACH_LAUNCH_PROPERTY = "slimfit.cuda.syncEachLaunch";
    /** Let cuBLAS use TF32 tensor cores for float32 GEMMs from the start (off by default: plain fp32). */
    static final String TF32_PROPERTY = "slimfit.cuda.tf32";

    private static final int DEVICE = 0;
    private static final int SUCCESS = 0;

    private final boolean syncEachLaunch = Boolean.getBoolean(SYNC_EACH_LAUNCH_PROPERTY);
    private final CUctx_st context = new CUctx_st();
    private final CUstream_st stream = new CUstream_st();
    private final CUmod_st module = new CUmod_st();
    private final CUfunc_st[] functions = new CUfunc_st[KernelFunction.values().length];
    private final cublasContext cublasHandle = new cublasContext();
    private final FloatPointer alphaHost = new FloatPointer(1);
    private final FloatPointer betaHost = new FloatPointer(1);
    private final ThreadLocal<Boolean> contextBound = ThreadLocal.withInitial(() -> false);
    private final String deviceName;
    private final int computeCapability;
    private final int multiprocessors;

    /** Initialises device 0: its primary context, one stream, the fatbin's kernels and a cuBLAS handle on the stream. */
    JavaCppCudaDriver(byte[] fatbin) {
        check(cudart.cudaSetDevice(DEVICE), "cudaSetDevice");
        check(cudart.cudaFree(null), "cudaFree(null) (creates the primary context)");
        checkDriver(cudart.cuInit(0), "cuInit");
        int[] device = new int[1];
        checkDriver(cudart.cuDeviceGet(device, DEVICE), "cuDeviceGet");
        checkDriver(cudart.cuDevicePrimaryCtxRetain(context, device[0]), "cuDevicePrimaryCtxRetain");
        bindContext();
        check(cudart.cudaStreamCreateWithFlags(stream, cudart.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        try (BytePointer image = new BytePointer(fatbin)) {
            checkDriver(cudart.cuModuleLoadData(module, image), "cuModuleLoadData (the kernels' fatbin)");
        }
        for (KernelFunction function : KernelFunction.values()) {
            CUfunc_st handle = new CUfunc_st();
            checkDriver(cudart.cuModuleGetFunction(handle, module, function.symbol()),
                    "cuModuleGetFunction(" + function.symbol() + ")");
            functions[function.ordinal()] = handle;
        }
        checkCublas(cublas.cublasCreate_v2(cublasHandle), "cublasCreate");
        checkCublas(cublas.cublasSetStream_v2(cublasHandle, stream), "cublasSetStream");
        tensorFloat32(Boolean.getBoolean(TF32_PROPERTY));
        byte[] name = new byte[256];
        checkDriver(cudart.cuDeviceGetName(name, name.length, device[0]), "cuDeviceGetName");
        this.deviceName = cString(name);
        this.computeCapability = 10 * attribute(cudart.cudaDevAttrComputeCapabilityMajor)
                + attribute(cudart.cudaDevAttrComputeCapabilityMinor);
        this.multiprocessors = attribute(cudart.cudaDevAttrMultiProcessorCount);
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    @Override
    public int computeCapability() {
        return computeCapability;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public long allocate(long bytes) {
        bindContext();
        Pointer pointer = new Pointer();
        check(cudart.cudaMalloc(pointer, bytes), "cudaMalloc(" + bytes + " bytes)");
        return pointer.address();
    }

    @Override
    public void free(long address) {
        bindContext();
        check(cudart.cudaFree(at(address)), "cudaFree");
    }

    @Override
    public long allocatePinned(long bytes) {
        bindContext();
        Pointer pointer = new Pointer();
        check(cudart.cudaMallocHost(pointer, bytes), "cudaMallocHost(" + bytes + " bytes)");
        return pointer.address();
    }

    @Override
    public void freePinned(long address) {
        bindContext();
        check(cudart.cudaFreeHost(at(address)), "cudaFreeHost");
    }

    @Override
    public void copy(long dst, long src, long bytes, CopyDirection direction) {
        bindContext();
        check(cudart.cudaMemcpyAsync(at(dst), at(src), bytes, direction.memcpyKind(), stream),
                "cudaMemcpyAsync " + direction + " (" + bytes + " bytes)");
    }

    @Override
    public void fill(long address, int byteValue, long bytes) {
        bindContext();
        check(cudart.cudaMemsetAsync(at(address), byteValue, bytes, stream), "cudaMemsetAsync (" + bytes + " bytes)");
    }

    @Override
    public void synchronize() {
        bindContext();
        check(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    @Override
    public void launch(KernelFunction function, LaunchShape shape, KernelArguments arguments) {
        bindContext();
        // PointerPointer, not Pointer: JavaCPP's Pointer overload of cuLaunchKernel is @ByPtrPtr, which would pass
        // the address of a temporary holding our address (and a non-null 'extra', so CUDA_ERROR_INVALID_VALUE).
        int status = cudart.cuLaunchKernel(functions[function.ordinal()], (int) shape.gridX(), shape.gridY(),
                shape.gridZ(), shape.blockX(), shape.blockY(), shape.blockZ(), shape.sharedBytes(), stream,
                new PointerPointer<>(at(arguments.slotPointers().address())), (PointerPointer<?>) null);
        checkDriver(status, "cuLaunchKernel(" + function.symbol() + ", " + shape + ")");
        check(cudart.cudaGetLastError(), "after launching " + function.symbol());
        if (syncEachLaunch) {
            check(cudart.cudaStreamSynchronize(stream), function.symbol() + " (synchronized after the launch)");
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
                      long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
        FloatPointer pa = new FloatPointer(at(a));
        FloatPointer pb = new FloatPointer(at(b));
        FloatPointer pc = new FloatPointer(at(c));
        if (batch == 1 && strideA == 0 && strideB == 0 && strideC == 0) {
            cublasCall("cublasSgemm", m, n, k, batch, alpha, beta, () -> cublas.cublasSgemm_v2(cublasHandle,
                    operation(transA), operation(transB), m, n, k, alphaHost, pa, lda, pb, ldb, betaHost, pc, ldc));
        } else {
            cublasCall("cublasSgemmStridedBatched", m, n, k, batch, alpha, beta, () ->
                    cublas.cublasSgemmStridedBatched(cublasHandle, operation(transA), operation(transB), m, n, k,
                            alphaHost, pa, lda, strideA, pb, ldb, strideB, betaHost, pc, ldc, strideC, batch));
        }
    }

    @Override
    public void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long aArray, int lda,
                             long bArray, int ldb, float beta, long cArray, int ldc, int batch) {
        cublasCall("cublasSgemmBatched", m, n, k, batch, alpha, beta, () -> cublas.cublasSgemmBatched(cublasHandle,
                operation(transA), operation(transB), m, n, k, alphaHost, new PointerPointer<>(at(aArray)), lda,
                new PointerPointer<>(at(bArray)), ldb, betaHost, new PointerPointer<>(at(cArray)), ldc, batch));
    }

    private static int operation(boolean transposed) {
        return transposed ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
    }

    /**
     * Runs one cuBLAS call with alpha and beta in their host buffers (cuBLAS reads them during the call, so the
     * buffers are held for it), checks its status and, with {@value #SYNC_EACH_LAUNCH_PROPERTY}, waits for it.
     */
    private void cublasCall(String call, int m, int n, int k, int batch, float alpha, float beta, IntSupplier body) {
        bindContext();
        synchronized (alphaHost) {
            alphaHost.put(0, alpha);
            betaHost.put(0, beta);
            checkCublas(body.getAsInt(), call + "(m=" + m + " n=" + n + " k=" + k + " batch=" + batch + ")");
        }
        if (syncEachLaunch) {
            check(cudart.cudaStreamSynchronize(stream), call + " (synchronized after the call)");
        }
    }

    @Override
    public void tensorFloat32(boolean enabled) {
        int mode = enabled ? cublas.CUBLAS_TF32_TENSOR_OP_MATH : cublas.CUBLAS_DEFAULT_MATH;
        checkCublas(cublas.cublasSetMathMode(cublasHandle, mode), "cublasSetMathMode");
    }

    @Override
    public long[] memoryInfo() {
        bindContext();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    @Override
    public CudaEvent createEvent() {
        bindContext();
        CUevent_st event = new CUevent_st();
        check(cudart.cudaEventCreate(event), "cudaEventCreate");
        return new Event(event);
    }

    @Override
    public void close() {
        bindContext();
        cudart.cudaStreamSynchronize(stream);
        cublas.cublasDestroy_v2(cublasHandle);
        cudart.cuModuleUnload(module);
        cudart.cudaStreamDestroy(stream);
        alphaHost.close();
        betaHost.close();
    }

    /** The driver API needs the context current on the calling thread (the runtime API binds it by itself). */
    private void bindContext() {
        if (!contextBound.get()) {
            checkDriver(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            contextBound.set(true);
        }
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        check(cudart.cudaDeviceGetAttribute(value, attribute, DEVICE), "cudaDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    private final class Event implements CudaEvent {

        private final CUevent_st event;

        Event(CUevent_st event) {
            this.event = event;
        }

        @Override
        public void record() {
            bindContext();
            check(cudart.cudaEventRecord(event, stream), "cudaEventRecord");
        }

        @Override
        public void synchronize() {
            bindContext();
            check(cudart.cudaEventSynchronize(event), "cudaEventSynchronize");
        }

        @Override
        public float millisecondsSince(CudaEvent earlier) {
            float[] millis = new float[1];
            check(cudart.cudaEventElapsedTime(millis, ((Event) earlier).event, event), "cudaEventElapsedTime");
            return millis[0];
        }

        @Override
        public void close() {
            cudart.cudaEventDestroy(event);
        }
    }

    /** A JavaCPP pointer at a raw address (device or host), owning nothing. */
    private static final class RawPointer extends Pointer {
        RawPointer(long address) {
            this.address = address;
        }
    }

    private static Pointer at(long address) {
        return new RawPointer(address);
    }

    static void check(int status, String call) {
        if (status != SUCCESS) {
            throw new CudaException(call + " failed: " + cudart.cudaGetErrorName(status).getString() + " ("
                    + cudart.cudaGetErrorString(status).getString() + ")");
        }
    }

    static void checkDriver(int status, String call) {
        if (status != SUCCESS) {
            BytePointer name = new BytePointer((Pointer) null);
            BytePointer text = new BytePointer((Pointer) null);
            cudart.cuGetErrorName(status, name);
            cudart.cuGetErrorString(status, text);
            throw new CudaException(call + " failed: " + (name.isNull() ? "CUresult " + status : name.getString())
                    + (text.isNull() ? "" : " (" + text.getString() + ")"));
        }
    }

    static void checkCublas(int status, String call) {
        if (status != SUCCESS) {
            throw new CudaException(call + " failed: " + cublas.cublasGetStatusString(status).getString()
                    + " (cublasStatus_t " + status + ")");
        }
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
