package dev.slimfit.train;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.SavePolicy;
import dev.slimfit.train.compress.ReferenceCompression;
import dev.slimfit.train.freeze.FreezeCandidates;
import dev.slimfit.train.freeze.FreezePlan;
import dev.slimfit.train.freeze.IlsScheduler;
import dev.slimfit.train.optim.AdamW;
import dev.slimfit.train.optim.LinearSchedule;
import dev.slimfit.train.task.Task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One trainer for every {@link Mode}: AdamW with a linear warm-up/decay schedule, optionally inter-layer scheduling
 * (a freeze plan applied through requires-grad before each step, metrics refreshed from the fused update after it),
 * optionally the compressed-activation save policy, and the slimfit+ switches of {@link MethodOptions}. Deterministic
 * on the CPU for a given seed.
 */
public final class Trainer implements AutoCloseable {

    private final Task task;
    private final TrainerOptions options;
    private final MethodOptions method;
    private final TrainingListener listener;
    private final Map<String, Tensor> parameters;
    private final List<String> candidates;
    private final IlsScheduler scheduler;
    private final SavePolicy policy;
    private final AdamW optimizer;
    private final LinearSchedule schedule;
    private final DataOrder order;
    private final Map<String, Integer> consecutiveFrozen = new HashMap<>();
    private int step;
    private FreezePlan lastPlan;
    private java.util.function.Consumer<Trainer> afterEachStep = t -> { };

    public Trainer(Task task, TrainerOptions options, MethodOptions method, TrainingListener listener) {
        this.task = task;
        this.options = options;
        this.method = method;
        this.listener = listener;
        this.parameters = task.model().namedParameters();
        this.candidates = FreezeCandidates.of(task.model());
        List<String> alwaysTrained = new ArrayList<>();
        if (method.trainNewTensors()) {
            for (String name : task.notFromCheckpoint()) {
                if (candidates.contains(name)) {
                    alwaysTrained.add(name);
                }
            }
        }
        this.scheduler = method.freezing() ? new IlsScheduler(candidates, method.rate(), task.initialMetricScale(),
                options.seed(), alwaysTrained) : null;
        this.policy = method.compression() ? new ReferenceCompression(task.ffnDownProjection())
                : SavePolicy.FULL_PRECISION;
        this.optimizer = new AdamW(List.copyOf(parameters.values()), AdamW.Options.defaults(), AdamW::decaysByName);
        this.schedule = new LinearSchedule(options.learningRate(), options.warmupSteps(), options.steps());
        this.order = new DataOrder(task.trainSize(), options.batchSize(), options.seed());
    }

    public int step() {
        return step;
    }

    /** Runs {@code hook} after every step of {@link #run} (e.g. periodic checkpoints). */
    public void afterEachStep(java.util.function.Consumer<Trainer> hook) {
        this.afterEachStep = hook;
    }

    public Task task() {
        return task;
    }

    /** The model's parameters by name. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** Consecutive frozen steps per tensor (slimfit+ state release), for checkpoints. */
    public Map<String, Integer> consecutiveFrozen() {
        return Map.copyOf(consecutiveFrozen);
    }

    /** Continues from a checkpoint: the next step is {@code completedSteps + 1}. */
    void restoreProgress(int completedSteps, Map<String, Integer> frozenCounters) {
        this.step = completedSteps;
        this.consecutiveFrozen.clear();
        this.consecutiveFrozen.putAll(frozenCounters);
    }

    /** The freeze plan of the last step (null before the first). */
    public FreezePlan lastPlan() {
        return lastPlan;
    }

    public IlsScheduler scheduler() {
        return scheduler;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** Runs the remaining steps with evaluations, then a final evaluation, and returns the result. */
    public RunResult run(String modeName) {
        Device device = task.model().device();
        MemoryLedger ledger = device.ledger();
        task.model().train(true);
        long[] peakByCategory = new long[Category.values().length];
        long peakTotal = 0;
        List<RunResult.Evaluation> evaluations = new ArrayList<>();
        double stepMillis = 0;
        double frozenSum = 0;
        int stepsRun = 0;
        long trainStart = System.nanoTime();
        while (step < options.steps()) {
            StepRecord record = trainStep(ledger, order.batch(step));
            for (int c = 0; c < peakByCategory.length; c++) {
                peakByCategory[c] = Math.max(peakByCategory[c], record.peakBytes()[c]);
            }
            peakTotal = Math.max(peakTotal, record.peakTotal());
            stepMillis += record.millis();
            frozenSum += record.frozen();
            stepsRun++;
            listener.onStep(record);
            afterEachStep.accept(this);
            if (options.evalEvery() > 0 && step % options.evalEvery() == 0 && step < options.steps()) {
                evaluations.add(new RunResult.Evaluation(step, evaluate()));
            }
        }
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        long rss = ResidentMemory.peakBytes();
        var snapshot = ledger.snapshot();
        Map<String, Double> finalMetrics = evaluate();
        evaluations.add(new RunResult.Evaluation(step, finalMetrics));
        return new RunResult(modeName, finalMetrics, evaluations, snapshot, peakByCategory, peakTotal, rss,
                stepsRun == 0 ? 0 : stepMillis / stepsRun, trainSeconds, stepsRun == 0 ? 0 : frozenSum / stepsRun,
                scheduler == null ? candidates.size() : scheduler.candidates().size());
    }

    /** One optimizer step on the training examples {@code indices}. */
    public StepRecord trainStep(MemoryLedger ledger, int[] indices) {
        long start = System.nanoTime();
        FreezePlan plan = scheduler != null ? scheduler.plan() : FreezePlan.none(candidates);
        plan.apply(parameters);
        lastPlan = plan;
        // before the forward pass, so that released state never coexists with this step's activations
        releaseLongFrozenState(plan);
        ledger.mark("step " + (step + 1));
        ledger.resetPeaks();
        double lossValue;
        try (Scope scope = Scope.open(); SavePolicy.Installed installed = SavePolicy.use(policy)) {
            Tensor loss = task.loss(indices);
            lossValue = loss.item();
            if (!Double.isFinite(lossValue)) {
                throw new IllegalStateException("step " + (step + 1) + ": the loss is " + lossValue
                        + "; stopping before the update corrupts the weights");
            }
            Autograd.backward(loss);
        }
        float lr = schedule.at(step);
        Map<String, Double> changes = optimizer.step(lr, method.changeMetric());
        if (scheduler != null) {
            scheduler.update(changes);
        }
        long[] live = new long[Category.values().length];
        long[] peak = new long[Category.values().length];
        for (Category c : Category.values()) {
            live[c.ordinal()] = ledger.live(c);
            peak[c.ordinal()] = ledger.peak(c);
        }
        step++;
        // a GPU queues work asynchronously: the step ends when the device has finished it (a no-op on the CPU)
        task.model().device().memory().synchronize();
        double millis = (System.nanoTime() - start) / 1e6;
        return new StepRecord(step, lossValue, lr, plan.frozen().size(),
                scheduler == null ? candidates.size() : scheduler.candidates().size(), millis, live, peak,
                ledger.liveTotal(), ledger.peakTotal());
    }

    /** slimfit+: a tensor frozen for {@code releaseStateAfter} consecutive steps gives its AdamW moments back. */
    private void releaseLongFrozenState(FreezePlan plan) {
        if (method.releaseStateAfter() == 0) {
            return;
        }
        for (String name : plan.trained()) {
            consecutiveFrozen.put(name, 0);
        }
        for (String name : plan.frozen()) {
            int frozenFor = consecutiveFrozen.merge(name, 1, Integer::sum);
            if (frozenFor == method.releaseStateAfter()) {
                optimizer.releaseState(parameters.get(name));
            }
        }
    }

    private Map<String, Double> evaluate() {
        long start = System.nanoTime();
        Map<String, Double> metrics = task.evaluate(options.evalBatchSize(),
                done -> listener.onEvaluationProgress(done, task.evalSize()));
        listener.onEvaluation(step, metrics, (System.nanoTime() - start) / 1e9);
        return metrics;
    }

    /** Frees the optimizer's state (the task owns and frees the model). */
    @Override
    public void close() {
        optimizer.close();
    }
}
