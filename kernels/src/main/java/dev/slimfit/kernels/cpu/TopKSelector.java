package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Selects, for one row, its top-k entries without sorting the row. {@link #select} finds their magnitude threshold by
 * a radix select on the magnitude keys (the float bits without the sign, which order as the magnitudes do, NaN above
 * +∞), most significant 8-bit digit first. Each digit keeps the bucket that holds the k-th largest key still in the
 * running and counts every key in higher buckets as kept. After the last digit the threshold key is known, and so is
 * how many entries equal to it are kept: the lowest-indexed ones, since ties go to the lower column.
 * {@link #writeKept} then takes the row in index order: every key above the threshold, and the first
 * {@link #tiesKept()} keys equal to it.
 *
 * <p>The first digit (the exponent) is the expensive one, since it looks at the whole row. Rather than a scalar
 * histogram, it is found with vector passes that count the keys at or above a few exponents at once, walking down
 * from the row's largest exponent: activations keep their top 10 % within a few binades of the maximum, so one pass
 * usually settles it. If {@link #COUNTING_PASSES} passes do not (a row of zeros with one outlier), a histogram does.
 * The remaining digits only look at the keys of the chosen bucket, with scalar histograms; a handful of keys left
 * are sorted instead. One instance per thread: it holds that thread's scratch.
 */
final class TopKSelector {

    /** Clears the sign bit; what is left is the magnitude key. */
    static final int MAGNITUDE_MASK = 0x7FFF_FFFF;

    private static final VectorSpecies<Integer> INTS = LaneCompaction.INTS;
    private static final int LANES = LaneCompaction.LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private static final int DIGIT_BITS = 8;
    private static final int BUCKETS = 1 << DIGIT_BITS;
    private static final int DIGIT_MASK = BUCKETS - 1;
    /**
     * Digit positions of the 31-bit key, most significant first: bits 23-30 (the exponent), 15-22, 7-14, 0-7 (the last
     * overlaps the previous one by bit 7, which the candidates then share, so it costs nothing).
     */
    private static final int[] DIGIT_SHIFTS = {23, 15, 7, 0};
    private static final int EXPONENT_SHIFT = DIGIT_SHIFTS[0];

    /** Exponents counted per vector pass while looking for the first digit. */
    private static final int EXPONENTS_PER_PASS = 4;
    /** Counting passes tried before falling back to a histogram: 8 binades below the maximum. */
    private static final int COUNTING_PASSES = 2;
    /**
     * The histogram fallback spreads its counts over this many interleaved histograms: magnitudes crowd into a few
     * exponent buckets, and a single histogram would make consecutive increments of one counter wait on each other.
     */
    private static final int INTERLEAVED_HISTOGRAMS = 4;
    /** At most this many candidates left, a sort is cheaper than another histogram pass (256 buckets to clear and scan). */
    private static final int SORT_BELOW = 64;

    /** The magnitude keys of the current row. */
    private final int[] keys;
    /** Keys still in the running; whole vectors are stored at the fill point, hence {@link #LANES} of slack. */
    private final int[] candidates;
    /** The kept entries of the current row (float bits and columns), before they are copied out; same slack. */
    private final int[] keptBits;
    private final int[] keptColumns;
    private final int[] histogram = new int[BUCKETS * INTERLEAVED_HISTOGRAMS];
    private final int[] counts = new int[EXPONENTS_PER_PASS];
    private int threshold;
    private int tiesKept;
    /** Set with the chosen first-digit bucket: the keys in higher buckets, all of which are kept. */
    private int countAboveBucket;

    /** Scratch for rows of up to {@code cols} entries. */
    TopKSelector(int cols) {
        keys = new int[cols];
        candidates = new int[cols + LANES];
        keptBits = new int[cols + LANES];
        keptColumns = new int[cols + LANES];
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
        int maxKey = loadKeys(x, row, cols);
        int bucket = exponentBucket(cols, k, maxKey >>> EXPONENT_SHIFT);
        int wanted = k - countAboveBucket; // still to choose among the candidates
        int count = collectExponentBucket(cols, bucket);
        int prefix = bucket << EXPONENT_SHIFT;

        for (int pass = 1; pass < DIGIT_SHIFTS.length; pass++) {
            if (count <= SORT_BELOW) {
                finishBySorting(count, wanted);
                return;
            }
            int shift = DIGIT_SHIFTS[pass];
            Arrays.fill(histogram, 0, BUCKETS, 0);
            for (int i = 0; i < count; i++) {
                histogram[(candidates[i] >>> shift) & DIGIT_MASK]++;
            }
            int above = 0;
            bucket = DIGIT_MASK;
            while (above + histogram[bucket] < wanted) {
                above += histogram[bucket];
                bucket--;
            }
            wanted -= above;
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

    /** Copies the row's magnitude keys into {@link #keys} and returns the largest. */
    private int loadKeys(MemorySegment x, long row, int cols) {
        int vectorEnd = INTS.loopBound(cols);
        IntVector maxLanes = IntVector.zero(INTS);
        int c = 0;
        for (; c < vectorEnd; c += LANES) {
            IntVector key = IntVector.fromMemorySegment(INTS, x, (row + c) * Integer.BYTES, ORDER).and(MAGNITUDE_MASK);
            key.intoArray(keys, c);
            maxLanes = maxLanes.max(key);
        }
        int max = maxLanes.reduceLanes(VectorOperators.MAX);
        for (; c < cols; c++) {
            keys[c] = x.getAtIndex(INT, row + c) & MAGNITUDE_MASK;
            max = Math.max(max, keys[c]);
        }
        return max;
    }

    /**
     * The exponent bucket holding the k-th largest key, found by counting the keys at or above exponents
     * {@code top, top − 1, …}; sets {@link #countAboveBucket}.
     */
    private int exponentBucket(int cols, int k, int top) {
        int countAbove = 0; // keys at or above the last exponent counted without reaching k
        for (int pass = 0; pass < COUNTING_PASSES; pass++) {
            int first = top - pass * EXPONENTS_PER_PASS;
            countAtOrAbove(cols, first);
            for (int j = 0; j < EXPONENTS_PER_PASS; j++) {
                if (counts[j] >= k) {
                    countAboveBucket = countAbove;
                    return first - j;
                }
                countAbove = counts[j];
            }
        }
        return exponentBucketByHistogram(cols, k);
    }

    /** {@code counts[j]} = keys whose exponent is at least {@code first − j} (all of them once that is ≤ 0). */
    private void countAtOrAbove(int cols, int first) {
        int t0 = Math.max(0, first) << EXPONENT_SHIFT;
        int t1 = Math.max(0, first - 1) << EXPONENT_SHIFT;
        int t2 = Math.max(0, first - 2) << EXPONENT_SHIFT;
        int t3 = Math.max(0, first - 3) << EXPONENT_SHIFT;
        int vectorEnd = INTS.loopBound(cols);
        IntVector n0 = IntVector.zero(INTS);
        IntVector n1 = n0;
        IntVector n2 = n0;
        IntVector n3 = n0;
        int c = 0;
        for (; c < vectorEnd; c += LANES) {
            IntVector key = IntVector.fromArray(INTS, keys, c);
            // a true lane converts to −1, so subtracting the mask counts it
            n0 = n0.sub(key.compare(VectorOperators.GE, t0).toVector());
            n1 = n1.sub(key.compare(VectorOperators.GE, t1).toVector());
            n2 = n2.sub(key.compare(VectorOperators.GE, t2).toVector());
            n3 = n3.sub(key.compare(VectorOperators.GE, t3).toVector());
        }
        counts[0] = n0.reduceLanes(VectorOperators.ADD);
        counts[1] = n1.reduceLanes(VectorOperators.ADD);
        counts[2] = n2.reduceLanes(VectorOperators.ADD);
        counts[3] = n3.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            int key = keys[c];
            counts[0] += key >= t0 ? 1 : 0;
            counts[1] += key >= t1 ? 1 : 0;
            counts[2] += key >= t2 ? 1 : 0;
            counts[3] += key >= t3 ? 1 : 0;
        }
    }

    /** The fallback: a histogram of the exponents of the whole row; sets {@link #countAboveBucket}. */
    private int exponentBucketByHistogram(int cols, int k) {
        Arrays.fill(histogram, 0);
        int c = 0;
        for (; c + INTERLEAVED_HISTOGRAMS <= cols; c += INTERLEAVED_HISTOGRAMS) {
            for (int h = 0; h < INTERLEAVED_HISTOGRAMS; h++) {
                histogram[h * BUCKETS + (keys[c + h] >>> EXPONENT_SHIFT)]++;
            }
        }
        for (; c < cols; c++) {
            histogram[keys[c] >>> EXPONENT_SHIFT]++;
        }
        for (int h = 1; h < INTERLEAVED_HISTOGRAMS; h++) {
            for (int b = 0; b < BUCKETS; b++) {
                histogram[b] += histogram[h * BUCKETS + b];
            }
        }
        int above = 0;
        int bucket = DIGIT_MASK;
        while (above + histogram[bucket] < k) {
            above += histogram[bucket];
            bucket--;
        }
        countAboveBucket = above;
        return bucket;
    }

    /** Copies the keys whose exponent is {@code bucket} into {@link #candidates}; returns how many. */
    private int collectExponentBucket(int cols, int bucket) {
        int vectorEnd = INTS.loopBound(cols);
        int count = 0;
        int c = 0;
        for (; c < vectorEnd; c += LANES) {
            IntVector key = IntVector.fromArray(INTS, keys, c);
            int match = LaneCompaction.bits(key.lanewise(VectorOperators.LSHR, EXPONENT_SHIFT)
                    .compare(VectorOperators.EQ, bucket));
            LaneCompaction.compact(key, match).intoArray(candidates, count);
            count += Integer.bitCount(match);
        }
        for (; c < cols; c++) {
            int key = keys[c];
            candidates[count] = key;
            count += key >>> EXPONENT_SHIFT == bucket ? 1 : 0;
        }
        return count;
    }

    /** Few candidates left: sort them and read the threshold off, instead of more 256-bucket passes. */
    private void finishBySorting(int count, int wanted) {
        Arrays.sort(candidates, 0, count);
        int first = count - wanted; // ascending order: the kept ones are the last `wanted`
        threshold = candidates[first];
        int ties = 0;
        while (first + ties < count && candidates[first + ties] == threshold) {
            ties++;
        }
        tiesKept = ties;
    }

    /**
     * Writes the row's top {@code k} (after {@link #select} on the same row) to {@code values} and {@code indices}
     * at entry {@code out}, in index order: every key above the threshold, and the first {@link #tiesKept()} keys
     * equal to it. Kept lanes are compacted into this thread's scratch and copied out once per row.
     */
    void writeKept(MemorySegment x, long row, int cols, int k, MemorySegment values, MemorySegment indices,
                   long out) {
        int ties = tiesKept;
        int count = 0;
        int vectorEnd = INTS.loopBound(cols);
        IntVector laneColumns = IntVector.zero(INTS).addIndex(1);
        int c = 0;
        for (; c < vectorEnd && count < k; c += LANES) {
            IntVector key = IntVector.fromArray(INTS, keys, c);
            int kept = LaneCompaction.bits(key.compare(VectorOperators.GT, threshold));
            if (ties > 0) {
                int equal = LaneCompaction.bits(key.compare(VectorOperators.EQ, threshold));
                for (int excess = Integer.bitCount(equal) - ties; excess > 0; excess--) {
                    equal &= ~Integer.highestOneBit(equal); // ties go to the lower columns
                }
                ties -= Integer.bitCount(equal);
                kept |= equal;
            }
            IntVector bits = IntVector.fromMemorySegment(INTS, x, (row + c) * Integer.BYTES, ORDER);
            LaneCompaction.compact(bits, kept).intoArray(keptBits, count);
            LaneCompaction.compact(laneColumns.add(c), kept).intoArray(keptColumns, count);
            count += Integer.bitCount(kept);
        }
        for (; c < cols && count < k; c++) {
            int key = keys[c];
            if (key > threshold || (key == threshold && ties > 0)) {
                if (key == threshold) {
                    ties--;
                }
                keptBits[count] = x.getAtIndex(INT, row + c); // bits: NaN payloads survive
                keptColumns[count] = c;
                count++;
            }
        }
        MemorySegment.copy(keptBits, 0, values, INT, out * Integer.BYTES, k);
        MemorySegment.copy(keptColumns, 0, indices, INT, out * Integer.BYTES, k);
    }
}
