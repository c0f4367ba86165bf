package dev.slimfit.train.memory;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Trainer;
import dev.slimfit.train.TrainerOptions;
import dev.slimfit.train.TrainingListener;
import dev.slimfit.train.task.SyntheticBertTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chooses the freezing rate from a memory budget by measurement: for increasing rates, a probe model of the same
 * configuration (random weights, random tokens) runs warm-up steps on tiny batches — so that ILS metrics and, for
 * slimfit+, released optimizer state reach their steady state — and then one step at the real batch and sequence
 * length; the first rate whose ledger peak fits the budget is chosen. The probe is freed before training starts.
 */
public final class RateForBudget {

    /** Rates tried, in increasing order (memory falls as the rate rises). */
    public static final double[] CANDIDATE_RATES = {0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95};
    /** Warm-up steps run on batches of this many tokens. */
    static final int WARMUP_BATCH = 1;
    static final int WARMUP_SEQUENCE = 8;

    /** One probed rate and its measured peak. */
    public record Probe(double rate, long peakBytes) {
    }

    /** The chosen rate and every probe made to find it. */
    public record Choice(double rate, List<Probe> probes) {
    }

    private RateForBudget() {
    }

    public static Choice choose(Device device, BertConfig config, int batch, int seq, MethodOptions method,
                                long budgetBytes, long seed, Consumer<String> progress) {
        if (!method.freezing()) {
            throw new IllegalArgumentException("a memory budget chooses the freezing rate: use a freezing mode");
        }
        List<Probe> probes = new ArrayList<>();
        for (double rate : CANDIDATE_RATES) {
            long peak = measure(device, config, batch, seq, MethodOptions.withRate(method, rate), seed);
            probes.add(new Probe(rate, peak));
            progress.accept(String.format(Locale.ROOT, "budget probe: r = %.2f needs %.1f MiB (budget %.1f MiB)",
                    rate, peak / 1048576.0, budgetBytes / 1048576.0));
            if (peak <= budgetBytes) {
                return new Choice(rate, probes);
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "memory budget %.1f MiB is too small: even "
                + "r = %.2f needs %.1f MiB", budgetBytes / 1048576.0, CANDIDATE_RATES[CANDIDATE_RATES.length - 1],
                probes.getLast().peakBytes() / 1048576.0));
    }

    /** The ledger peak of one steady-state step at {@code rate} (parameters included). */
    static long measure(Device device, BertConfig config, int batch, int seq, MethodOptions method, long seed) {
        MemoryLedger ledger = device.ledger();
        try (SyntheticBertTask task = new SyntheticBertTask(device, config, seed, WARMUP_SEQUENCE,
                method.attentionDropoutOnValues());
            Trainer trainer = new Trainer(task, new TrainerOptions(1_000_000, batch, 5e-5f, 0, 0, 1, seed), method,
                    new TrainingListener() { })) {
            task.model().train(true);
            int t = trainer.scheduler().candidates().size();
            int trainedPerStep = Math.max(1, t - trainer.scheduler().frozenCount());
            int roundRobin = (t + trainedPerStep - 1) / trainedPerStep;
            int warmup = 2 * roundRobin + method.releaseStateAfter() + 1;
            for (int i = 0; i < warmup; i++) {
                trainer.trainStep(ledger, new int[] {i});
            }
            task.sequenceLength(seq);
            int[] indices = new int[batch];
            for (int i = 0; i < batch; i++) {
                indices[i] = warmup + i;
            }
            return trainer.trainStep(ledger, indices).peakTotal();
        }
    }
}
