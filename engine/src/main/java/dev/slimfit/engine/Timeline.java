package dev.slimfit.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ledger's history in compact primitive arrays: one event per change (time, category, signed bytes) plus named
 * markers. Live bytes per category at any event are the prefix sums of the deltas from the ledger's creation, so a
 * plot needs nothing else. Recording stops at the capacity (and says so) instead of growing without bound.
 */
public final class Timeline {

    private final long startNanos = System.nanoTime();
    private int capacity;
    private int size;
    private long dropped;
    private long[] nanos = new long[1024];
    private long[] deltas = new long[1024];
    private byte[] categories = new byte[1024];
    private final List<Marker> markers = new ArrayList<>();

    /** A named point in time, e.g. "step 12", at event index {@code event}. */
    public record Marker(long nanos, int event, String label) {
    }

    /** An immutable copy of the recorded events. */
    public record Events(long[] nanos, byte[] categories, long[] deltas, List<Marker> markers, long dropped) {

        public int size() {
            return nanos.length;
        }

        /** Live bytes of each category after each event: {@code [event][category]}. */
        public long[][] liveByCategory() {
            Category[] cats = Category.values();
            long[][] out = new long[nanos.length][cats.length];
            long[] running = new long[cats.length];
            for (int i = 0; i < nanos.length; i++) {
                running[categories[i]] += deltas[i];
                out[i] = running.clone();
            }
            return out;
        }
    }

    Timeline(int capacity) {
        this.capacity = capacity;
    }

    void capacity(int newCapacity) {
        if (newCapacity < 0) {
            throw new IllegalArgumentException("timeline capacity must be >= 0, got " + newCapacity);
        }
        this.capacity = newCapacity;
    }

    void record(int category, long delta) {
        if (size >= capacity) {
            dropped++;
            return;
        }
        if (size == nanos.length) {
            int grown = (int) Math.min(capacity, (long) nanos.length * 2);
            nanos = Arrays.copyOf(nanos, grown);
            deltas = Arrays.copyOf(deltas, grown);
            categories = Arrays.copyOf(categories, grown);
        }
        nanos[size] = System.nanoTime() - startNanos;
        deltas[size] = delta;
        categories[size] = (byte) category;
        size++;
    }

    void mark(String label) {
        markers.add(new Marker(System.nanoTime() - startNanos, size, label));
    }

    Events events() {
        return new Events(Arrays.copyOf(nanos, size), Arrays.copyOf(categories, size), Arrays.copyOf(deltas, size),
                List.copyOf(markers), dropped);
    }
}
