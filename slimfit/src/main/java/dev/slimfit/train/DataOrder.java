package dev.slimfit.train;

import java.util.SplittableRandom;

/**
 * Which training examples each step uses: the training set is shuffled once per epoch from the seed and consumed in
 * batches, so any step's batch is a pure function of (seed, step) — which is what makes resume exact.
 */
public final class DataOrder {

    private final int size;
    private final int batchSize;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] permutation;

    public DataOrder(int size, int batchSize, long seed) {
        if (size < batchSize) {
            throw new IllegalArgumentException("the training set has " + size + " examples, fewer than one batch of "
                    + batchSize);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Batches per epoch (a last partial batch is dropped). */
    public int batchesPerEpoch() {
        return size / batchSize;
    }

    /** The example indices of step {@code step} (0-based). */
    public int[] batch(int step) {
        int epoch = step / batchesPerEpoch();
        int within = step % batchesPerEpoch();
        if (epoch != cachedEpoch) {
            permutation = permutation(epoch);
            cachedEpoch = epoch;
        }
        int[] out = new int[batchSize];
        System.arraycopy(permutation, within * batchSize, out, 0, batchSize);
        return out;
    }

    private int[] permutation(int epoch) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
