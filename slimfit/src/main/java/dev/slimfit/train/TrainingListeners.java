package dev.slimfit.train;

import java.util.List;
import java.util.Map;

/** Several listeners as one. */
public final class TrainingListeners implements TrainingListener {

    private final List<TrainingListener> listeners;

    public TrainingListeners(TrainingListener... listeners) {
        this.listeners = List.of(listeners);
    }

    @Override
    public void onStep(StepRecord record) {
        listeners.forEach(l -> l.onStep(record));
    }

    @Override
    public void onEvaluation(int step, Map<String, Double> metrics, double seconds) {
        listeners.forEach(l -> l.onEvaluation(step, metrics, seconds));
    }

    @Override
    public void onEvaluationProgress(int done, int total) {
        listeners.forEach(l -> l.onEvaluationProgress(done, total));
    }
}
