package dev.slimfit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds, for one row, the magnitude threshold of its top-k entries without sorting the row: a radix select on the
 * magnitude keys (the float bits without the sign, which order as the magnitudes do, NaN above +∞). Each pass
 * histograms one 8-bit digit of the keys still in the running, keeps the bucket that contains the k-th largest and
 * counts everything in higher buckets as kept. After the last digit the threshold key is known, and so is how many
 * entries equal to it are kept: the lowest-indexed ones, since ties go to the lower column. The caller then takes
 * the row in index order: every key above the threshold, and the first {@link #tiesKept()} keys equal to it.
 * One instance per thread: it holds that thread's scratch.
 */
final class TopKSelector {

    /** Clears the sign bit; what is left is the magnitude key. */
    static final int MAGNITUDE_MASK = 0x7FFF_FFFF;

    private static final int DIGIT_BITS = 8;
    private static final int BUCKETS = 1 << DIGIT_BITS;
    private static final int DIGIT_MASK = BUCKETS - 1;
    /**
     * Digit positions of the 31-bit key, most significant first: bits 23-30, 15-22, 7-14, 0-7 (the last overlaps the
     * previous one by bit 7, which the candidates then share, so it costs nothing).
     */
    private static final int[] DIGIT_SHIFTS = {23, 15, 7, 0};

    /**
     * The first pass, over the whole row, spreads its counts over this many interleaved histograms: magnitudes
     * crowd into a few exponent buckets, and a single histogram would make consecutive increments of one counter
     * wait on each other.
     */
    private static final int FIRST_PASS_HISTOGRAMS = 4;

    /** At most this many candidates left, a sort is cheaper than another histogram pass (256 buckets to clear and scan). */
    private static final int SORT_BELOW = 64;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final int[] candidates;
    private final int[] histogram = new int[BUCKETS * FIRST_PASS_HISTOGRAMS];
    private int threshold;
    private int tiesKept;
    /** Set by {@link #chooseBucket}: the entries in buckets above the chosen one, all of which are kept. */
    private int countAboveBucket;

    /** Scratch for rows of up to {@code cols} entries. */
    TopKSelector(int cols) {
        candidates = new int[cols];
    }

    /** The magnitude key of the k-th largest entry found by the last {@link #select}. */
    int threshold() {
        return threshold;
    }

    /** How many entries whose key equals {@link #threshold()} are kept (1 … k), lowest index first. */
    int tiesKept() {
        return tiesKept;
    }

    /** Finds the threshold of the top {@code k} of the {@code cols} floats at element offset {@code row}; 1 ≤ k ≤ cols. */
    void select(MemorySegment x, long row, int cols, int k) {
        int wanted = k; // still to choose among the candidates
        int firstShift = DIGIT_SHIFTS[0];
        int bucket = chooseBucket(firstPassHistogram(x, row, cols, firstShift), wanted);
        wanted -= countAboveBucket;
        int count = collectCandidates(x, row, cols, firstShift, bucket);
        int prefix = bucket << firstShift;

        for (int pass = 1; pass < DIGIT_SHIFTS.length; pass++) {
            if (count <= SORT_BELOW) {
                finishBySorting(count, wanted);
                return;
            }
            int shift = DIGIT_SHIFTS[pass];
            java.util.Arrays.fill(histogram, 0, BUCKETS, 0);
            for (int i = 0; i < count; i++) {
                histogram[(candidates[i] >>> shift) & DIGIT_MASK]++;
            }
            bucket = chooseBucket(histogram, wanted);
            wanted -= countAboveBucket;
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int key = candidates[i];
                candidates[kept] = key;
                kept += ((key >>> shift) & DIGIT_MASK) == bucket ? 1 : 0;
            }
            count = kept;
            prefix |= bucket << shift;
        }
        threshold = prefix;
        tiesKept = wanted;
    }

    /** Few candidates left: sort them and read the threshold off, instead of more 256-bucket passes. */
    private void finishBySorting(int count, int wanted) {
        java.util.Arrays.sort(candidates, 0, count);
        int first = count - wanted; // ascending order: the kept ones are the last `wanted`
        threshold = candidates[first];
        int ties = 0;
        while (first + ties < count && candidates[first + ties] == threshold) {
            ties++;
        }
        tiesKept = ties;
    }

    /** Counts of the first digit over the whole row, the interleaved histograms summed into the first one. */
    private int[] firstPassHistogram(MemorySegment x, long row, int cols, int shift) {
        java.util.Arrays.fill(histogram, 0);
        int c = 0;
        for (; c + FIRST_PASS_HISTOGRAMS <= cols; c += FIRST_PASS_HISTOGRAMS) {
            for (int h = 0; h < FIRST_PASS_HISTOGRAMS; h++) {
                int key = x.getAtIndex(INT, row + c + h) & MAGNITUDE_MASK;
                histogram[h * BUCKETS + (key >>> shift)]++;
            }
        }
        for (; c < cols; c++) {
            histogram[(x.getAtIndex(INT, row + c) & MAGNITUDE_MASK) >>> shift]++;
        }
        for (int h = 1; h < FIRST_PASS_HISTOGRAMS; h++) {
            for (int b = 0; b < BUCKETS; b++) {
                histogram[b] += histogram[h * BUCKETS + b];
            }
        }
        return histogram;
    }

    /** Copies the keys whose first digit is {@code bucket} into {@link #candidates}; returns how many. */
    private int collectCandidates(MemorySegment x, long row, int cols, int shift, int bucket) {
        int count = 0;
        for (int c = 0; c < cols; c++) {
            int key = x.getAtIndex(INT, row + c) & MAGNITUDE_MASK;
            candidates[count] = key;
            count += (key >>> shift) == bucket ? 1 : 0;
        }
        return count;
    }

    /** The bucket, scanning from the top, whose entries reach the {@code wanted}-th largest. */
    private int chooseBucket(int[] counts, int wanted) {
        int above = 0;
        int bucket = BUCKETS - 1;
        while (above + counts[bucket] < wanted) {
            above += counts[bucket];
            bucket--;
        }
        countAboveBucket = above;
        return bucket;
    }
}
