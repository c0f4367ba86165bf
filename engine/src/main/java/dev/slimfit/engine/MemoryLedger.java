package dev.slimfit.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts every byte of tensor data on one device by {@link Category} and by owner label: live bytes, peak bytes
 * (per category, per owner, and the peak of the total, which is not the sum of per-category peaks) and a timeline
 * of changes that a report can plot. Storage reports here when it is allocated, freed or re-categorised (a
 * workspace buffer that autograd saves becomes an activation), so the figures are exact at every moment.
 */
public final class MemoryLedger {

    /** Default number of timeline events kept; later events are counted but not recorded. */
    public static final int DEFAULT_TIMELINE_CAPACITY = 1 << 20;

    private static final Category[] CATEGORIES = Category.values();

    private final String device;
    private final long[] live = new long[CATEGORIES.length];
    private final long[] peak = new long[CATEGORIES.length];
    private long liveTotal;
    private long peakTotal;
    private final long[] atPeakTotal = new long[CATEGORIES.length];
    private long allocations;
    private final EnumMap<Category, Map<String, long[]>> owners = new EnumMap<>(Category.class);
    private final Timeline timeline = new Timeline(DEFAULT_TIMELINE_CAPACITY);
    /** Whether the live bytes of every owner are copied at each new total peak (off: it costs a map walk each time). */
    private boolean ownersAtPeakTracked;
    private final List<LedgerSnapshot.OwnerUsage> ownersAtPeak = new ArrayList<>();

    public MemoryLedger(String device) {
        this.device = device;
        for (Category c : CATEGORIES) {
            owners.put(c, new HashMap<>());
        }
    }

    public String device() {
        return device;
    }

    synchronized void allocated(Category category, String owner, long bytes) {
        allocations++;
        add(category, owner, bytes);
    }

    synchronized void freed(Category category, String owner, long bytes) {
        add(category, owner, -bytes);
    }

    /** Moves live bytes from one category/owner to another without changing the total. */
    synchronized void moved(Category from, String fromOwner, Category to, String toOwner, long bytes) {
        add(from, fromOwner, -bytes);
        add(to, toOwner, bytes);
    }

    private void add(Category category, String owner, long delta) {
        int c = category.ordinal();
        live[c] += delta;
        if (live[c] < 0) {
            throw new IllegalStateException("memory ledger of " + device + ": live " + category + " bytes went negative ("
                    + live[c] + ") after a change of " + delta + " for '" + owner + "'");
        }
        peak[c] = Math.max(peak[c], live[c]);
        liveTotal += delta;
        long[] usage = owners.get(category).computeIfAbsent(owner, k -> new long[2]);
        usage[0] += delta;
        usage[1] = Math.max(usage[1], usage[0]);
        if (liveTotal > peakTotal) {
            peakTotal = liveTotal;
            System.arraycopy(live, 0, atPeakTotal, 0, live.length);
            if (ownersAtPeakTracked) {
                copyOwnersAtPeak();
            }
        }
        timeline.record(c, delta);
    }

    public synchronized long live(Category category) {
        return live[category.ordinal()];
    }

    public synchronized long peak(Category category) {
        return peak[category.ordinal()];
    }

    public synchronized long liveTotal() {
        return liveTotal;
    }

    public synchronized long peakTotal() {
        return peakTotal;
    }

    /** Live bytes of {@code category} at the moment the total peaked (the categories' peaks need not coincide). */
    public synchronized long atPeakTotal(Category category) {
        return atPeakTotal[category.ordinal()];
    }

    /** Number of allocations since this ledger was created. */
    public synchronized long allocations() {
        return allocations;
    }

    private void copyOwnersAtPeak() {
        ownersAtPeak.clear();
        for (Category c : CATEGORIES) {
            for (Map.Entry<String, long[]> e : owners.get(c).entrySet()) {
                long bytes = e.getValue()[0];
                if (bytes > 0) {
                    ownersAtPeak.add(new LedgerSnapshot.OwnerUsage(c, e.getKey(), bytes, bytes));
                }
            }
        }
    }

    /**
     * From now on, records which owners held the live bytes at each new total peak (for {@link #ownersAtPeak()}).
     * Off by default: every new peak then walks all owners, which slows a forward pass that peaks at every
     * allocation.
     */
    public synchronized void trackOwnersAtPeak(boolean tracked) {
        ownersAtPeakTracked = tracked;
        if (tracked) {
            copyOwnersAtPeak();
        }
    }

    /**
     * The owners' live bytes at the moment the total peaked (both fields of each usage are that amount), largest
     * first; empty unless {@link #trackOwnersAtPeak} was on when the peak happened.
     */
    public synchronized List<LedgerSnapshot.OwnerUsage> ownersAtPeak() {
        List<LedgerSnapshot.OwnerUsage> copy = new ArrayList<>(ownersAtPeak);
        copy.sort((a, b) -> Long.compare(b.live(), a.live()));
        return copy;
    }

    /** Starts a new measurement window: every peak becomes the current live value. */
    public synchronized void resetPeaks() {
        System.arraycopy(live, 0, peak, 0, live.length);
        System.arraycopy(live, 0, atPeakTotal, 0, live.length);
        peakTotal = liveTotal;
        if (ownersAtPeakTracked) {
            copyOwnersAtPeak();
        }
        for (Map<String, long[]> byOwner : owners.values()) {
            for (long[] usage : byOwner.values()) {
                usage[1] = usage[0];
            }
        }
    }

    /** Adds a labelled marker to the timeline (e.g. the start of a training step). */
    public synchronized void mark(String label) {
        timeline.mark(label);
    }

    public synchronized LedgerSnapshot snapshot() {
        List<LedgerSnapshot.OwnerUsage> usages = new ArrayList<>();
        for (Category c : CATEGORIES) {
            for (Map.Entry<String, long[]> e : owners.get(c).entrySet()) {
                long[] usage = e.getValue();
                if (usage[1] > 0) {
                    usages.add(new LedgerSnapshot.OwnerUsage(c, e.getKey(), usage[0], usage[1]));
                }
            }
        }
        return new LedgerSnapshot(device, live.clone(), peak.clone(), liveTotal, peakTotal, usages);
    }

    /** The recorded timeline (a copy). */
    public synchronized Timeline.Events timeline() {
        return timeline.events();
    }

    /** Sets how many timeline events are kept from now on (0 disables recording). */
    public synchronized void timelineCapacity(int capacity) {
        timeline.capacity(capacity);
    }
}
