package dev.slimfit.train;

import java.util.Map;

/** Receives progress from a {@link Trainer}: every step, every evaluation. */
public interface TrainingListener {

    default void onStep(StepRecord record) {
    }

    default void onEvaluation(int step, Map<String, Double> metrics, double seconds) {
    }

    /** Evaluation progress: {@code done} of {@code total} examples. */
    default void onEvaluationProgress(int done, int total) {
    }
}
