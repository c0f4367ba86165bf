package dev.slimfit.engine;

/**
 * A seeded stream of counter ranges for counter-based randomness (dropout): each call reserves the next
 * {@code n} counters, so a run is reproducible from its seed and any draw can be regenerated from (seed, offset)
 * alone. The position can be saved and restored for exact resume.
 */
public final class RandomStream {

    private final long seed;
    private long position;

    public RandomStream(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The next unused counter. */
    public long position() {
        return position;
    }

    /** Moves to {@code newPosition} (e.g. when resuming a checkpoint). */
    public void position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("random stream position must be >= 0, got " + newPosition);
        }
        this.position = newPosition;
    }

    /** Reserves {@code n} counters and returns the first. */
    public long reserve(long n) {
        long start = position;
        position = Math.addExact(position, n);
        return start;
    }
}
