package dev.slimfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.engine.Category;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.LedgerSnapshot;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.engine.cuda.CudaDevice;
import dev.slimfit.engine.cuda.DeviceMemoryReport;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.kernels.cuda.CudaKernels;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Mode;
import dev.slimfit.train.ResidentMemory;
import dev.slimfit.train.StepRecord;
import dev.slimfit.train.Trainer;
import dev.slimfit.train.TrainerOptions;
import dev.slimfit.train.TrainingListener;
import dev.slimfit.train.memory.BertActivationModel;
import dev.slimfit.train.memory.LedgerBreakdown;
import dev.slimfit.engine.Tensor;
import java.util.HashSet;
import java.util.Set;
import dev.slimfit.train.task.SyntheticBertTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One mode of {@code memory}, run in its own JVM: warm-up steps on tiny batches build the optimizer state and the
 * ILS metrics a real run would have by then, then one step at the requested batch and sequence length is measured.
 * Prints one {@code RESULT} line of JSON.
 */
@Command(name = "memory-probe", hidden = true, description = "internal: one mode of the memory command")
public final class MemoryProbeCommand implements Callable<Integer> {

    /** Sequence length of the warm-up steps: long enough for every op, short enough to be quick. */
    static final int WARMUP_SEQUENCE = 8;
    /** Batch of the warm-up steps. */
    static final int WARMUP_BATCH = 1;
    /** How many of the largest workspace owners at the peak the result lists. */
    static final int OWNERS_AT_PEAK_SHOWN = 12;

    @Option(names = "--config", required = true)
    String config;
    @Option(names = "--mode", required = true)
    String mode;
    @Option(names = "--rate", required = true)
    double rate;
    @Option(names = "--batch", required = true)
    int batch;
    @Option(names = "--seq", required = true)
    int seq;
    @Option(names = "--labels", defaultValue = "2")
    int labels;
    @Option(names = "--device", defaultValue = "cpu")
    String device;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Option(names = "--warmup-steps", defaultValue = "-1")
    int warmupSteps;
    @Option(names = "--release-state-after", defaultValue = "-1")
    int releaseStateAfter;
    @Option(names = "--timed-steps", defaultValue = "1")
    int timedSteps;

    @Override
    public Integer call() throws Exception {
        Mode m = Mode.parse(mode);
        MethodOptions method = MethodOptions.of(m, rate);
        if (releaseStateAfter >= 0 && m == Mode.SLIMFIT_PLUS) {
            method = MethodOptions.withReleaseStateAfter(method, releaseStateAfter);
        }
        BertConfig bert = BertConfigs.named(config, labels);
        Device dev = DeviceChoice.resolve(device);
        MemoryLedger ledger = dev.ledger();
        try (SyntheticBertTask task = new SyntheticBertTask(dev, bert, seed, WARMUP_SEQUENCE,
                method.attentionDropoutOnValues())) {
            TrainerOptions options = new TrainerOptions(1_000_000, batch, 5e-5f, 0, 0, 1, seed);
            Trainer trainer = new Trainer(task, options, method, new TrainingListener() { });
            try (trainer) {
            task.model().train(true);
            int warmup = warmupSteps >= 0 ? warmupSteps : defaultWarmup(trainer, method);
            for (int i = 0; i < warmup; i++) {
                trainer.trainStep(ledger, indices(i * WARMUP_BATCH, WARMUP_BATCH));
            }
            task.sequenceLength(seq);
            ledger.trackOwnersAtPeak(true);
            boolean rssWindow = ResidentMemory.resetPeak();
            CudaDevice cuda = dev instanceof CudaDevice c ? c : null;
            if (cuda != null) {
                // the window starts with no cached segments: what the warm-up left (AdamW moments slimfit+ has
                // released, buffers of the small warm-up shapes) would otherwise count as the measured steps' memory
                cuda.allocator().releaseCached();
                cuda.allocator().resetPeaks();
            }
            // the first full-size step also pays for first allocations and GEMM heuristics: time the median of
            // several when asked (memory figures are the last step's; every step of a mode allocates alike)
            double[] millis = new double[Math.max(1, timedSteps)];
            CudaKernels cudaKernels = cuda != null ? cuda.kernels() : null;
            if (cudaKernels != null) {
                cudaKernels.restartProfile(); // -Dslimfit.cuda.profile: the timed steps alone
            }
            StepRecord measured = null;
            for (int i = 0; i < millis.length; i++) {
                measured = trainer.trainStep(ledger, indices(1_000_000 + i * batch, batch));
                millis[i] = measured.millis();
            }
            if (cudaKernels != null) {
                cudaKernels.profileReport().ifPresent(report -> System.err.print("the " + millis.length
                        + " timed steps, " + report.stripLeading()));
            }
            java.util.Arrays.sort(millis);
            LedgerSnapshot snapshot = ledger.snapshot();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("mode", m.cliName());
            result.put("rate", method.freezing() ? rate : 0);
            result.put("warmupSteps", warmup);
            for (Category c : Category.values()) {
                result.put("peak_" + c.name(), measured.peakBytes()[c.ordinal()]);
            }
            result.put("peakTotal", measured.peakTotal());
            for (Category c : Category.values()) {
                result.put("atPeak_" + c.name(), ledger.atPeakTotal(c));
            }
            result.put("peakRss", ResidentMemory.peakBytes());
            result.put("peakRssOfMeasuredStepOnly", rssWindow);
            result.put("stepMillis", millis[millis.length / 2]);
            result.put("timedSteps", millis.length);
            if (cuda != null) {
                DeviceMemoryReport report = cuda.memoryReport();
                result.put("device", cuda.toString());
                result.put("poolAllocatedPeak", report.poolAllocatedPeak());
                result.put("poolReservedPeak", report.poolReservedPeak());
                result.put("providerWorkspace", report.providerWorkspace());
                // cudaMemGetInfo's used bytes beyond those at device creation, after the measured steps: the pool
                // gives segments back only to keep below its high-water mark, so in steady steps this is the
                // device's own view of the pool's reserved peak (plus cuBLAS's workspace)
                result.put("deviceUsedSinceStart", report.deviceUsedSinceStart());
                result.put("deviceUsed", report.deviceUsed());
            }
            result.put("frozen", measured.frozen());
            result.put("candidates", measured.candidates());
            result.put("activationByLayer", LedgerBreakdown.byLayer(snapshot, Category.ACTIVATION));
            result.put("workspaceAtPeak", largestOwners(ledger, Category.WORKSPACE));
            result.putAll(firstPrinciples(trainer, bert, method));
            System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
            }
        }
        return 0;
    }

    /**
     * Enough warm-up steps for the random start of ILS to have trained every candidate once (so that the reference
     * keeps optimizer state for all of them, as it does after its first round), and for slimfit+ to have released
     * the state of tensors frozen long enough.
     */
    private static int defaultWarmup(Trainer trainer, MethodOptions method) {
        if (!method.freezing()) {
            return 1;
        }
        int t = trainer.scheduler().candidates().size();
        int trainedPerStep = Math.max(1, t - trainer.scheduler().frozenCount());
        int roundRobin = (t + trainedPerStep - 1) / trainedPerStep;
        // after the random round-robin, tensors settle into being trained or frozen; slimfit+ releases the state of
        // those frozen for releaseStateAfter steps, so wait that long beyond a second round
        return 2 * roundRobin + method.releaseStateAfter() + 1;
    }

    /**
     * The expected peak bytes of the measured step from first principles: 4 bytes per parameter; 4 per parameter of
     * every tensor that trains (its gradient lives from its backward to the update); 8 per parameter whose AdamW
     * moments exist; and the activation count of {@link BertActivationModel} for this step's freeze plan.
     */
    private Map<String, Object> firstPrinciples(Trainer trainer, BertConfig bert, MethodOptions method) {
        Map<String, Tensor> parameters = trainer.parameters();
        Set<String> trained = new HashSet<>(parameters.keySet());
        trained.removeAll(trainer.lastPlan().frozen());
        long parameterCount = 0;
        long trainedCount = 0;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            parameterCount += e.getValue().numel();
            trainedCount += trained.contains(e.getKey()) ? e.getValue().numel() : 0;
        }
        long stateCount = 0;
        for (Tensor moment : trainer.optimizer().moments().values()) {
            stateCount += moment.numel();
        }
        long activation = BertActivationModel.outsideLayerBytes(bert, batch, seq, trained, method.compression());
        boolean probabilitiesDropped = !method.attentionDropoutOnValues() && bert.attentionProbsDropoutProb() > 0;
        for (int layer = 0; layer < bert.numHiddenLayers(); layer++) {
            activation += BertActivationModel.layerBytes(bert, batch, seq, "bert.encoder.layer." + layer, trained,
                    method.compression(), probabilitiesDropped);
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("parameters", parameterCount);
        expected.put("trainedParameters", trainedCount);
        expected.put("parametersWithOptimizerState", stateCount / 2);
        expected.put("expected_PARAMETER", Float.BYTES * parameterCount);
        expected.put("expected_GRADIENT", Float.BYTES * trainedCount);
        expected.put("expected_OPTIMIZER_STATE", Float.BYTES * stateCount);
        expected.put("expected_ACTIVATION", activation);
        return expected;
    }

    /** Workspace owners that held the most at the total peak: what the peak's temporaries were. */
    private static Map<String, Long> largestOwners(MemoryLedger ledger, Category category) {
        Map<String, Long> largest = new LinkedHashMap<>();
        ledger.ownersAtPeak().stream().filter(o -> o.category() == category).limit(OWNERS_AT_PEAK_SHOWN)
                .forEach(o -> largest.put(o.owner(), o.live()));
        return largest;
    }

    private static int[] indices(int start, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = start + i;
        }
        return out;
    }

}
