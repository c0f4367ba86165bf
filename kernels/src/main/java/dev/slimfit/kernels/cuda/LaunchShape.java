package dev.slimfit.kernels.cuda;

/**
 * Grid and block dimensions of one launch, and the dynamic shared memory it asks for (all kernels here use static
 * shared memory, so 0). The factories encode the few shapes the kernels are written for; each caps the grid within
 * the hardware's limits (grid y at most 65,535: the kernels loop over what does not fit).
 */
public record LaunchShape(long gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {

    /** Threads per block of the one-dimensional kernels: a good default on sm_80/sm_90. */
    public static final int THREADS = 256;
    /** Largest grid y dimension. */
    public static final int MAX_GRID_Y = 65_535;
    /** Largest grid x dimension. */
    public static final long MAX_GRID_X = Integer.MAX_VALUE;
    /** Resident blocks per multiprocessor that a grid-stride kernel is sized for. */
    public static final int BLOCKS_PER_MULTIPROCESSOR = 8;
    /** Elements each thread of a streaming kernel handles at least (the vector paths take four at a time). */
    public static final int ELEMENTS_PER_THREAD = 4;

    public LaunchShape {
        if (gridX < 1 || gridX > MAX_GRID_X || gridY < 1 || gridY > MAX_GRID_Y || gridZ < 1 || gridZ > MAX_GRID_Y) {
            throw new IllegalArgumentException("grid " + gridX + "×" + gridY + "×" + gridZ + " outside the limits");
        }
        if (blockX < 1 || blockY < 1 || blockZ < 1 || (long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("block " + blockX + "×" + blockY + "×" + blockZ + " outside the limits");
        }
    }

    public long threads() {
        return gridX * gridY * gridZ * blockX * blockY * blockZ;
    }

    /**
     * A grid-stride kernel over {@code n} items: enough blocks for every item at {@link #ELEMENTS_PER_THREAD} per
     * thread, at most {@link #BLOCKS_PER_MULTIPROCESSOR} per multiprocessor (more would only queue).
     */
    public static LaunchShape streaming(long n, int multiprocessors) {
        long wanted = ceilDiv(Math.max(1, n), (long) THREADS * ELEMENTS_PER_THREAD);
        long cap = (long) multiprocessors * BLOCKS_PER_MULTIPROCESSOR;
        return new LaunchShape(Math.max(1, Math.min(wanted, cap)), 1, 1, THREADS, 1, 1, 0);
    }

    /**
     * A fixed partition for a deterministic reduction over {@code n} items: the block count depends on n alone (not on
     * the device), so the partial sums, and therefore the result, are the same on every GPU.
     */
    public static LaunchShape reduction(long n, int maxBlocks) {
        long wanted = ceilDiv(Math.max(1, n), (long) THREADS * ELEMENTS_PER_THREAD);
        return new LaunchShape(Math.max(1, Math.min(wanted, maxBlocks)), 1, 1, THREADS, 1, 1, 0);
    }

    /** One block of {@code threads} threads: the second stage of a reduction, a scan. */
    public static LaunchShape singleBlock(int threads) {
        return new LaunchShape(1, 1, 1, threads, 1, 1, 0);
    }

    /** One block per row (the kernels loop when rows exceed the grid), {@code threads} threads along the row. */
    public static LaunchShape rowBlocks(long rows, int threads) {
        return new LaunchShape(Math.max(1, Math.min(rows, MAX_GRID_X)), 1, 1, threads, 1, 1, 0);
    }

    /** Warps per block of the warp-per-row kernels ({@code ROW_WARPS} in common.cuh, which sizes shared memory by it). */
    public static final int ROW_WARPS = 8;
    /** Threads in a warp. */
    public static final int WARP_SIZE = 32;

    /** One warp per row, {@link #ROW_WARPS} rows per block (the kernels loop when rows exceed the grid). */
    public static LaunchShape rowWarps(long rows) {
        long blocks = ceilDiv(Math.max(1, rows), ROW_WARPS);
        return new LaunchShape(Math.min(blocks, MAX_GRID_X), 1, 1, ROW_WARPS * WARP_SIZE, 1, 1, 0);
    }

    /** Threads along a row of {@code cols} elements: a multiple of 32 up to {@code max}. */
    public static int rowThreads(long cols, int max) {
        long rounded = ceilDiv(Math.max(1, cols), 32) * 32;
        return (int) Math.min(rounded, max);
    }

    /** x over blocks of {@link #THREADS} columns, y over rows (the kernels loop when rows exceed 65,535). */
    public static LaunchShape columnsByRows(long cols, long rows) {
        long columnBlocks = Math.max(1, ceilDiv(cols, THREADS));
        return new LaunchShape(Math.min(columnBlocks, MAX_GRID_X), (int) Math.max(1, Math.min(rows, MAX_GRID_Y)), 1,
                THREADS, 1, 1, 0);
    }

    public static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
