package dev.slimfit.kernels.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link CudaDriver} that times every kernel launch, cuBLAS call, copy and fill on the GPU with a pair of events
 * around it, and counts the host's waits. Turned on with {@code -D}{@value #PROPERTY}{@code =true}. A caller can
 * {@link #restart()} the totals where the work it wants measured begins and take the {@link #report()} where it ends
 * ({@code memory-probe} does so around its timed steps, through {@link CudaKernels#profileReport()}); otherwise the
 * whole run's table is printed to standard error when the JVM exits.
 *
 * <p>It answers where a training step's time goes when it is slower than the GPU work it queues: the kernels' own
 * time per kernel, and how much of the time between the first and the last operation of each stretch the GPU was
 * busy (the rest is the host not keeping the queue full: launch cost, Java work between launches). A stretch ends
 * at each synchronization, and the time the host then waits is counted apart.
 *
 * <p>Event pairs are recorded into a fixed pool; when it is full, or at a synchronization, the pending pairs are
 * read and folded into per-name totals. Recording adds two event records per operation (about a microsecond of
 * host time each), so the step is a little slower with the profile on. An operation's GPU time is an upper bound:
 * when the GPU is idle, waiting for the host, its start event completes at once and the time includes the launch.
 */
final class ProfilingCudaDriver implements CudaDriver {

    /** System property that wraps the driver in this profiler. */
    static final String PROPERTY = "slimfit.cuda.profile";
    /** Operations timed between two reads of their events. */
    private static final int POOL_PAIRS = 4096;
    private static final double NANOS_PER_MILLI = 1e6;

    private final CudaDriver inner;
    private final List<CudaEvent> starts = new ArrayList<>();
    private final List<CudaEvent> ends = new ArrayList<>();
    private final String[] pendingNames = new String[POOL_PAIRS];
    private final long[] pendingHostNanos = new long[POOL_PAIRS];
    private int pending;
    private final Map<String, Totals> totals = new HashMap<>();
    private double busyMillis;
    private double spanMillis;
    private long synchronizations;
    private long synchronizationNanos;
    private long hostCallNanos;
    private long operations;
    private boolean reported;

    /** Per-name count, GPU milliseconds and the host's time inside the calls. */
    private static final class Totals {
        long calls;
        double millis;
        long hostNanos;
    }

    ProfilingCudaDriver(CudaDriver inner) {
        this.inner = inner;
    }

    /** {@code driver} itself, or wrapped in a profiler when {@value #PROPERTY} is set (then reported at exit). */
    static CudaDriver wrapIfRequested(CudaDriver driver) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return driver;
        }
        ProfilingCudaDriver profiler = new ProfilingCudaDriver(driver);
        Runtime.getRuntime().addShutdownHook(new Thread(profiler::reportAtExit, "cuda-profile-report"));
        return profiler;
    }

    @Override
    public synchronized void launch(KernelFunction function, LaunchShape shape, KernelArguments arguments) {
        timed(function.symbol(), () -> inner.launch(function, shape, arguments));
    }

    @Override
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                                   long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
                                   long strideC, int batch) {
        timed(sgemmName(transA, transB, batch > 1 ? " batched" : ""), () -> inner.sgemm(transA, transB, m, n, k,
                alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch));
    }

    @Override
    public synchronized void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                          long aArray, int lda, long bArray, int ldb, float beta, long cArray, int ldc,
                                          int batch) {
        timed(sgemmName(transA, transB, " pointer-array batched"), () -> inner.sgemmBatched(transA, transB, m, n,
                k, alpha, aArray, lda, bArray, ldb, beta, cArray, ldc, batch));
    }

    /** cuBLAS's view of the call: its operand order and transposes (row-major callers swap them). */
    private static String sgemmName(boolean transA, boolean transB, String kind) {
        return "cublas sgemm " + (transA ? 'T' : 'N') + (transB ? 'T' : 'N') + kind;
    }

    @Override
    public synchronized void copy(long dst, long src, long bytes, CopyDirection direction) {
        timed("memcpy " + direction, () -> inner.copy(dst, src, bytes, direction));
    }

    @Override
    public synchronized void fill(long address, int byteValue, long bytes) {
        timed("memset", () -> inner.fill(address, byteValue, bytes));
    }

    @Override
    public synchronized void synchronize() {
        long start = System.nanoTime();
        inner.synchronize();
        synchronizationNanos += System.nanoTime() - start;
        synchronizations++;
        readPending();
    }

    private void timed(String name, Runnable operation) {
        if (pending == POOL_PAIRS) {
            readPending();
        }
        if (pending == starts.size()) {
            starts.add(inner.createEvent());
            ends.add(inner.createEvent());
        }
        starts.get(pending).record();
        long start = System.nanoTime();
        operation.run();
        long host = System.nanoTime() - start;
        hostCallNanos += host;
        ends.get(pending).record();
        pendingHostNanos[pending] = host;
        pendingNames[pending++] = name;
        operations++;
    }

    /** Waits for the pending operations and folds their times into the totals. */
    private void readPending() {
        if (pending == 0) {
            return;
        }
        CudaEvent last = ends.get(pending - 1);
        last.synchronize();
        for (int i = 0; i < pending; i++) {
            double millis = ends.get(i).millisecondsSince(starts.get(i));
            Totals t = totals.computeIfAbsent(pendingNames[i], key -> new Totals());
            t.calls++;
            t.millis += millis;
            t.hostNanos += pendingHostNanos[i];
            busyMillis += millis;
        }
        spanMillis += last.millisecondsSince(starts.getFirst());
        pending = 0;
    }

    /** Forgets everything timed so far (operations still pending are waited for and dropped). */
    synchronized void restart() {
        readPending();
        totals.clear();
        busyMillis = 0;
        spanMillis = 0;
        synchronizations = 0;
        synchronizationNanos = 0;
        hostCallNanos = 0;
        operations = 0;
    }

    private synchronized void reportAtExit() {
        if (!reported) {
            System.err.print(report());
        }
    }

    /** The table of GPU time per operation name, and the busy share of the stretches between synchronizations. */
    synchronized String report() {
        reported = true;
        readPending();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nCUDA profile (-D%s): %d operations, GPU busy %.1f ms of %.1f ms between"
                + " first and last operation of each stretch (%.0f%%); %d synchronizations waited %.1f ms; host time in"
                + " the driver calls %.1f ms%n", PROPERTY, operations, busyMillis, spanMillis,
                spanMillis == 0 ? 0 : 100 * busyMillis / spanMillis, synchronizations,
                synchronizationNanos / NANOS_PER_MILLI, hostCallNanos / NANOS_PER_MILLI));
        sb.append(String.format(Locale.ROOT, "%-46s %9s %11s %10s %7s %12s%n", "operation", "calls", "GPU ms",
                "mean us", "share", "host us/call"));
        totals.entrySet().stream()
                .sorted((x, y) -> Double.compare(y.getValue().millis, x.getValue().millis))
                .forEach(e -> sb.append(String.format(Locale.ROOT, "%-46s %9d %11.2f %10.1f %6.1f%% %12.1f%n",
                        e.getKey(), e.getValue().calls, e.getValue().millis,
                        1000 * e.getValue().millis / e.getValue().calls,
                        busyMillis == 0 ? 0 : 100 * e.getValue().millis / busyMillis,
                        e.getValue().hostNanos / 1e3 / e.getValue().calls)));
        return sb.toString();
    }

    @Override
    public String deviceName() {
        return inner.deviceName();
    }

    @Override
    public int computeCapability() {
        return inner.computeCapability();
    }

    @Override
    public int multiprocessors() {
        return inner.multiprocessors();
    }

    @Override
    public long allocate(long bytes) {
        return inner.allocate(bytes);
    }

    @Override
    public void free(long address) {
        inner.free(address);
    }

    @Override
    public long allocatePinned(long bytes) {
        return inner.allocatePinned(bytes);
    }

    @Override
    public void freePinned(long address) {
        inner.freePinned(address);
    }

    @Override
    public void tensorFloat32(boolean enabled) {
        inner.tensorFloat32(enabled);
    }

    @Override
    public long[] memoryInfo() {
        return inner.memoryInfo();
    }

    @Override
    public CudaEvent createEvent() {
        return inner.createEvent();
    }

    @Override
    public synchronized void close() {
        readPending();
        starts.forEach(CudaEvent::close);
        ends.forEach(CudaEvent::close);
        inner.close();
    }
}
