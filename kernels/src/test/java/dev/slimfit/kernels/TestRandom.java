package dev.slimfit.kernels;

import java.util.SplittableRandom;

/**
 * Fresh random inputs for every run: the seed comes from the clock unless {@code -Dslimfit.test.seed=N} fixes it,
 * and {@link #describe()} is put into every assertion message so that a failure can be replayed.
 */
public final class TestRandom {

    public static final String SEED_PROPERTY = "slimfit.test.seed";

    private final long seed;
    private final SplittableRandom random;

    public TestRandom() {
        String fixed = System.getProperty(SEED_PROPERTY);
        this.seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime() ^ Thread.currentThread().threadId();
        this.random = new SplittableRandom(seed);
    }

    public TestRandom(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /** "seed=N (-Dslimfit.test.seed=N replays)" for assertion messages. */
    public String describe() {
        return "seed=" + seed + " (-D" + SEED_PROPERTY + "=" + seed + " replays)";
    }

    /** Uniform in [lo, hi). */
    public float[] uniform(int n, float lo, float hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return out;
    }

    /** Normal with mean 0 and the given standard deviation. */
    public float[] gaussian(int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (nextGaussian() * std);
        }
        return out;
    }

    /** Uniform integers in [0, bound). */
    public int[] ints(int n, int bound) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(bound);
        }
        return out;
    }

    public byte[] bytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    public double nextDouble() {
        return random.nextDouble();
    }

    public double nextGaussian() {
        // Box-Muller on the splittable stream keeps every draw reproducible from the seed
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
