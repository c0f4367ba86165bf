package dev.slimfit.report;

import dev.slimfit.train.StepRecord;
import dev.slimfit.train.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of a run as plain lines (readable in a terminal, a log file or CI): step, loss (mean since the last
 * line), learning rate, seconds per step, frozen tensors, live ledger MiB and the time left; evaluation progress.
 * Prints at most every {@link #MIN_SECONDS_BETWEEN_LINES} seconds, and the first and last steps.
 */
public final class ProgressPrinter implements TrainingListener {

    public static final double MIN_SECONDS_BETWEEN_LINES = 10;
    private static final double MIB = 1024.0 * 1024.0;

    private final PrintStream out;
    private final String prefix;
    private final int totalSteps;
    private long lastPrint;
    private double lossSum;
    private int lossCount;
    private double millisSum;
    private int steps;
    private long lastEvalPrint;

    public ProgressPrinter(PrintStream out, String prefix, int totalSteps) {
        this.out = out;
        this.prefix = prefix;
        this.totalSteps = totalSteps;
    }

    @Override
    public void onStep(StepRecord r) {
        lossSum += r.loss();
        lossCount++;
        millisSum += r.millis();
        steps++;
        long now = System.nanoTime();
        if (r.step() == 1 || r.step() == totalSteps || (now - lastPrint) / 1e9 >= MIN_SECONDS_BETWEEN_LINES) {
            double secondsPerStep = millisSum / steps / 1e3;
            double left = secondsPerStep * (totalSteps - r.step());
            out.printf(Locale.ROOT, "%s step %d/%d  loss %.4f  lr %.2e  %.2f s/step  frozen %d/%d  live %.0f MiB"
                            + "  peak %.0f MiB  ETA %dm%02ds%n", prefix, r.step(), totalSteps, lossSum / lossCount,
                    r.learningRate(), secondsPerStep, r.frozen(), r.candidates(), r.liveTotal() / MIB,
                    r.peakTotal() / MIB, (long) left / 60, (long) left % 60);
            out.flush();
            lastPrint = now;
            lossSum = 0;
            lossCount = 0;
        }
    }

    @Override
    public void onEvaluationProgress(int done, int total) {
        long now = System.nanoTime();
        if (done == total || (now - lastEvalPrint) / 1e9 >= MIN_SECONDS_BETWEEN_LINES) {
            out.printf(Locale.ROOT, "%s evaluating %d/%d%n", prefix, done, total);
            out.flush();
            lastEvalPrint = now;
        }
    }

    @Override
    public void onEvaluation(int step, Map<String, Double> metrics, double seconds) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        out.printf(Locale.ROOT, "%s eval after step %d:%s  (%.0f s)%n", prefix, step, sb, seconds);
        out.flush();
    }
}
