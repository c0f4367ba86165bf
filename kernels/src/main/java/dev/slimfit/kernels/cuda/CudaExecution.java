package dev.slimfit.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What every kernel family of the CUDA provider shares: the driver, an argument block per thread, the launch shapes
 * sized for this device, and the scratch memory of multi-stage kernels. Families that use the scratch or the status
 * block hold this object's monitor for the whole call, so that two threads never interleave their stages.
 */
final class CudaExecution {

    /** Most partial results of a deterministic reduction (its first stage's block count). */
    static final int MAX_PARTIALS = 1024;
    /** Threads of a single-block second stage. */
    static final int FINISH_THREADS = 256;
    /** Threads along a row for row-wise kernels. */
    static final int ROW_THREADS = 256;
    /** A chunk of a column reduction covers at least this many rows... */
    static final long MIN_ROWS_PER_CHUNK = 64;
    /** ...and a column reduction has at most this many chunks (the partials it keeps per column). */
    static final long MAX_COLUMN_CHUNKS = 128;

    private final CudaDriver driver;
    private final Arena arena = Arena.ofShared();
    private final ThreadLocal<KernelArguments> arguments = ThreadLocal.withInitial(() -> new KernelArguments(arena));
    private final DeviceScratch scratch;

    CudaExecution(CudaDriver driver) {
        this.driver = driver;
        this.scratch = new DeviceScratch(driver);
    }

    CudaDriver driver() {
        return driver;
    }

    DeviceScratch scratch() {
        return scratch;
    }

    /** Starts the arguments of one launch; finish with {@link KernelArguments#launch()}. */
    KernelArguments kernel(KernelFunction function, LaunchShape shape) {
        return arguments.get().begin(this, function, shape);
    }

    void dispatch(KernelFunction function, LaunchShape shape, KernelArguments args) {
        driver.launch(function, shape, args);
    }

    /** A grid-stride launch over {@code n} items, sized for this device. */
    LaunchShape streaming(long n) {
        return LaunchShape.streaming(n, driver.multiprocessors());
    }

    /** One block per row with threads along the row. */
    LaunchShape rows(long rows, long cols) {
        return LaunchShape.rowBlocks(rows, LaunchShape.rowThreads(cols, ROW_THREADS));
    }

    /** Chunks of rows of a column reduction: from the row count alone, so the sums do not depend on the device. */
    static long columnChunks(long rows) {
        return Math.max(1, Math.min(MAX_COLUMN_CHUNKS, LaunchShape.ceilDiv(rows, MIN_ROWS_PER_CHUNK)));
    }

    /** The launch of a column reduction's first stage (block 32 × 8, grid: column tiles × chunks). */
    static LaunchShape columnPartials(long cols, long chunks) {
        return new LaunchShape(LaunchShape.ceilDiv(cols, COLUMN_TILE), (int) chunks, 1, COLUMN_TILE, COLUMN_ROW_LANES,
                1, 0);
    }

    /** Columns per column-reduction block (one warp), and its row lanes (as in reductions.cuh). */
    static final int COLUMN_TILE = 32;
    static final int COLUMN_ROW_LANES = 8;

    /**
     * Runs {@code check}, a kernel that writes the first bad position of its input into the status block, and
     * returns that position, or -1 when every position was valid. Waits for the device.
     */
    long firstBadPosition(java.util.function.Consumer<MemorySegment> check) {
        scratch.resetStatus();
        check.accept(scratch.firstBadSlot());
        return scratch.readStatus().firstBadPosition();
    }

    /** One int32 of a device buffer, read back now (for error messages). */
    int readInt(MemorySegment deviceBuffer, long index) {
        return scratch.readInt(deviceBuffer.address() + index * Integer.BYTES);
    }

    void close() {
        scratch.close();
    }
}
