package dev.slimfit.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link CudaDriver} without a GPU, for testing the Java side of the CUDA provider: "device" memory is host memory
 * tracked as device allocations, copies and fills really move bytes (so status read-backs see what was written), and
 * kernel launches and GEMMs are recorded, not run. Every pointer a launch or a copy passes must lie inside a live
 * allocation of the right kind, which catches a host pointer handed to a kernel or a buffer used after it was freed.
 * It checks how the launchers call the GPU, never what the kernels compute.
 */
final class RecordingCudaDriver implements CudaDriver {

    /** One recorded launch: the kernel, its shape and its packed argument values (as raw 8-byte words). */
    record Launch(KernelFunction function, LaunchShape shape, List<Long> words) {
    }

    /** One recorded cuBLAS call, in cuBLAS's (column-major) terms. */
    record Sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
                 long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
    }

    /** One recorded pointer-array cuBLAS call: the device addresses of its three pointer arrays. */
    record SgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, long aArray, int lda,
                        long bArray, int ldb, float beta, long cArray, int ldc, int batch) {
    }

    static final int MULTIPROCESSORS = 132;

    private final Arena arena = Arena.ofShared();
    private final TreeMap<Long, Long> device = new TreeMap<>();
    private final TreeMap<Long, Long> pinned = new TreeMap<>();
    final List<Launch> launches = new ArrayList<>();
    final List<Sgemm> sgemms = new ArrayList<>();
    final List<SgemmBatched> batchedSgemms = new ArrayList<>();
    boolean tensorFloat32;
    /**
     * A simulated GPU clock that events read: each launch advances it by {@link #LAUNCH_MICROS}, each cuBLAS call by
     * {@link #SGEMM_MICROS}, so that timing code (the profiler) has known durations to report.
     */
    static final long LAUNCH_MICROS = 10;
    static final long SGEMM_MICROS = 100;
    private long clockMicros;

    @Override
    public String deviceName() {
        return "recording driver (no GPU)";
    }

    @Override
    public int computeCapability() {
        return 90;
    }

    @Override
    public int multiprocessors() {
        return MULTIPROCESSORS;
    }

    @Override
    public synchronized long allocate(long bytes) {
        long address = arena.allocate(bytes, 256).address();
        device.put(address, bytes);
        return address;
    }

    @Override
    public synchronized void free(long address) {
        if (device.remove(address) == null) {
            throw new AssertionError("cudaFree of " + Long.toHexString(address) + ", which is not an allocation");
        }
    }

    @Override
    public synchronized long allocatePinned(long bytes) {
        long address = arena.allocate(bytes, 256).address();
        pinned.put(address, bytes);
        return address;
    }

    @Override
    public synchronized void freePinned(long address) {
        if (pinned.remove(address) == null) {
            throw new AssertionError("cudaFreeHost of " + Long.toHexString(address) + ", which is not pinned memory");
        }
    }

    @Override
    public synchronized void copy(long dst, long src, long bytes, CopyDirection direction) {
        switch (direction) {
            case HOST_TO_DEVICE -> requireDevice("copy destination", dst, bytes);
            case DEVICE_TO_HOST -> requireDevice("copy source", src, bytes);
            case DEVICE_TO_DEVICE -> {
                requireDevice("copy source", src, bytes);
                requireDevice("copy destination", dst, bytes);
            }
        }
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0,
                MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes);
    }

    @Override
    public synchronized void fill(long address, int byteValue, long bytes) {
        requireDevice("memset", address, bytes);
        MemorySegment.ofAddress(address).reinterpret(bytes).fill((byte) byteValue);
    }

    @Override
    public void synchronize() {
    }

    @Override
    public synchronized void launch(KernelFunction function, LaunchShape shape, KernelArguments arguments) {
        List<Long> words = new ArrayList<>();
        for (int i = 0; i < arguments.count(); i++) {
            MemorySegment value = arguments.value(i);
            ArgumentType type = function.parameters().get(i);
            long word = switch (type) {
                case INT32, FLOAT32 -> Integer.toUnsignedLong(value.get(ValueLayout.JAVA_INT, 0));
                case STRIDED_LAYOUT -> value.get(ValueLayout.JAVA_LONG, 0); // the rank
                default -> value.get(ValueLayout.JAVA_LONG, 0);
            };
            if (type == ArgumentType.POINTER && word != 0) {
                requireDevice(function.symbol() + " argument " + (i + 1), word, 1);
            }
            words.add(word);
        }
        launches.add(new Launch(function, shape, List.copyOf(words)));
        clockMicros += LAUNCH_MICROS;
    }

    @Override
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                                   long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
                                   long strideC, int batch) {
        requireDevice("sgemm A", a, 1);
        requireDevice("sgemm B", b, 1);
        requireDevice("sgemm C", c, 1);
        clockMicros += SGEMM_MICROS;
        sgemms.add(new Sgemm(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC,
                batch));
    }

    @Override
    public synchronized void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                          long aArray, int lda, long bArray, int ldb, float beta, long cArray, int ldc,
                                          int batch) {
        requireDevice("sgemmBatched A pointers", aArray, (long) batch * Long.BYTES);
        requireDevice("sgemmBatched B pointers", bArray, (long) batch * Long.BYTES);
        requireDevice("sgemmBatched C pointers", cArray, (long) batch * Long.BYTES);
        clockMicros += SGEMM_MICROS;
        batchedSgemms.add(new SgemmBatched(transA, transB, m, n, k, alpha, aArray, lda, bArray, ldb, beta, cArray, ldc,
                batch));
    }

    @Override
    public void tensorFloat32(boolean enabled) {
        tensorFloat32 = enabled;
    }

    @Override
    public long[] memoryInfo() {
        long used = device.values().stream().mapToLong(Long::longValue).sum();
        long total = 80L << 30;
        return new long[] {total - used, total};
    }

    @Override
    public CudaEvent createEvent() {
        return new ClockEvent();
    }

    /** An event that records the simulated clock. */
    private final class ClockEvent implements CudaEvent {
        private long recordedMicros;

        @Override
        public void record() {
            synchronized (RecordingCudaDriver.this) {
                recordedMicros = clockMicros;
            }
        }

        @Override
        public void synchronize() {
        }

        @Override
        public float millisecondsSince(CudaEvent earlier) {
            return (recordedMicros - ((ClockEvent) earlier).recordedMicros) / 1000f;
        }

        @Override
        public void close() {
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Live device bytes (allocations not yet freed). */
    synchronized long liveDeviceBytes() {
        return device.values().stream().mapToLong(Long::longValue).sum();
    }

    private void requireDevice(String what, long address, long bytes) {
        Map.Entry<Long, Long> allocation = device.floorEntry(address);
        if (allocation == null || address + bytes > allocation.getKey() + allocation.getValue()) {
            throw new AssertionError(what + ": " + bytes + " bytes at 0x" + Long.toHexString(address)
                    + " are not inside a live device allocation");
        }
    }
}
