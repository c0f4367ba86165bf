package dev.slimfit.train;

import dev.slimfit.engine.LedgerSnapshot;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a training run: final evaluation metrics, every evaluation along the way, the ledger's peak over
 * the training steps (parameters included), the process's peak resident set, and time per step.
 *
 * @param peakResidentBytes the process's peak RSS (VmHWM) at the end of training, or -1 where unavailable
 */
public record RunResult(String mode, Map<String, Double> finalMetrics, List<Evaluation> evaluations,
                        LedgerSnapshot trainingPeak, long[] peakBytesByCategory, long peakTotalBytes,
                        long peakResidentBytes, double meanStepMillis, double trainSeconds, double meanFrozen,
                        int candidates) {

    /** One evaluation: the step after which it ran and its metrics. */
    public record Evaluation(int step, Map<String, Double> metrics) {
    }
}
