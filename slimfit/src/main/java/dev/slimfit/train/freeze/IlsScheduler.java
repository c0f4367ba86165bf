package dev.slimfit.train.freeze;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SlimFit's inter-layer scheduling, with the reference semantics: each candidate has a metric (the mean relative
 * weight change of its last update); every iteration the candidates are sorted by metric ascending and the first
 * ⌊r·t⌋ are frozen, the rest train; after the step only the trained candidates' metrics are refreshed, so a frozen
 * tensor keeps the value it had when it last trained. Metrics start as uniform random × a huge scale, which makes
 * the first iterations a random round-robin until every candidate has trained once.
 *
 * <p>Ordering: ascending by value with NaN and +∞ last (a non-finite metric, which the unguarded reference metric
 * gives for tensors with zero entries, is never frozen), ties by candidate order — deterministic.
 */
public final class IlsScheduler {

    /** The reference initial metric scale for BERT. */
    public static final double BERT_INITIAL_METRIC_SCALE = 1e10;
    /** The reference initial metric scale for ViT on CIFAR. */
    public static final double VIT_INITIAL_METRIC_SCALE = 1e7;

    private final List<String> candidates;
    private final Map<String, Integer> index = new HashMap<>();
    private final double[] metric;
    private final double rate;
    private final List<String> alwaysTrained;

    /**
     * @param candidates the freezable tensors (see {@link FreezeCandidates})
     * @param rate the freezing rate r in [0, 1)
     * @param initialScale the random initial metric is uniform in [0, initialScale)
     * @param seed the seed of the initial metric
     * @param alwaysTrained candidates never frozen (excluded from t); empty in the reference
     */
    public IlsScheduler(List<String> candidates, double rate, double initialScale, long seed,
                        Collection<String> alwaysTrained) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("freezing rate r must be in [0, 1), got " + rate);
        }
        this.alwaysTrained = List.copyOf(alwaysTrained);
        List<String> schedulable = new ArrayList<>();
        for (String c : candidates) {
            if (!this.alwaysTrained.contains(c)) {
                schedulable.add(c);
            }
        }
        for (String name : this.alwaysTrained) {
            if (!candidates.contains(name)) {
                throw new IllegalArgumentException("always-trained tensor '" + name + "' is not a candidate");
            }
        }
        this.candidates = List.copyOf(schedulable);
        for (int i = 0; i < this.candidates.size(); i++) {
            index.put(this.candidates.get(i), i);
        }
        this.rate = rate;
        this.metric = new double[this.candidates.size()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < metric.length; i++) {
            metric[i] = random.nextDouble() * initialScale;
        }
    }

    public double rate() {
        return rate;
    }

    /** The candidates the scheduler decides on (t of them). */
    public List<String> candidates() {
        return candidates;
    }

    /** ⌊r·t⌋. */
    public int frozenCount() {
        return (int) Math.floor(rate * candidates.size());
    }

    /** The freeze plan of the next iteration. */
    public FreezePlan plan() {
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Double.compare orders NaN above +∞; the sort is stable, so ties keep candidate order
        Arrays.sort(order, (a, b) -> Double.compare(metric[a], metric[b]));
        int frozen = frozenCount();
        List<String> frozenNames = new ArrayList<>(frozen);
        List<String> trainedNames = new ArrayList<>(alwaysTrained);
        for (int i = 0; i < order.length; i++) {
            (i < frozen ? frozenNames : trainedNames).add(candidates.get(order[i]));
        }
        return new FreezePlan(trainedNames, frozenNames);
    }

    /** Refreshes the metric of the candidates that trained; others keep their stale values. */
    public void update(Map<String, Double> changes) {
        for (Map.Entry<String, Double> e : changes.entrySet()) {
            Integer i = index.get(e.getKey());
            if (i != null) {
                metric[i] = e.getValue();
            }
        }
    }

    /** The current metric of {@code candidate}. */
    public double metric(String candidate) {
        Integer i = index.get(candidate);
        if (i == null) {
            throw new IllegalArgumentException("'" + candidate + "' is not scheduled");
        }
        return metric[i];
    }

    /** A copy of every metric in candidate order (for checkpoints). */
    public double[] metrics() {
        return metric.clone();
    }

    /** Restores metrics saved by {@link #metrics()} (resume). */
    public void restore(double[] saved) {
        if (saved.length != metric.length) {
            throw new IllegalArgumentException("ILS state has " + saved.length + " metrics, the scheduler has "
                    + metric.length + " candidates");
        }
        System.arraycopy(saved, 0, metric, 0, metric.length);
    }
}
