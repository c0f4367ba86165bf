package dev.slimfit.train.optim;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AdamW (decoupled weight decay, bias-corrected, as {@code torch.optim.AdamW}) over a list of parameters, one fused
 * kernel call per tensor. Moments are allocated as {@link Category#OPTIMIZER_STATE} the first time a tensor has a
 * gradient, and each tensor counts its own steps (a tensor that skips steps while frozen keeps its bias correction
 * right). Gradients are released after the update, so gradient buffers live only from backward to the step.
 */
public final class AdamW implements AutoCloseable {

    /** Hyper-parameters other than the learning rate, which the schedule gives per step. */
    public record Options(float beta1, float beta2, float eps, float weightDecay) {
        /** β1 = 0.9, β2 = 0.999, eps = 1e-8 (torch defaults) and weight decay 0.01 (the reference setting). */
        public static Options defaults() {
            return new Options(0.9f, 0.999f, 1e-8f, 0.01f);
        }
    }

    private static final class State {
        Tensor m;
        Tensor v;
        long steps;
    }

    private final List<Tensor> parameters;
    private final Options options;
    private final Predicate<Tensor> decays;
    private final Map<Tensor, State> states = new IdentityHashMap<>();

    /**
     * @param decays which parameters get weight decay (the usual rule excludes biases and LayerNorm weights)
     */
    public AdamW(List<Tensor> parameters, Options options, Predicate<Tensor> decays) {
        this.parameters = List.copyOf(parameters);
        this.options = options;
        this.decays = decays;
    }

    /** Decay every parameter except biases and LayerNorm weights, judged by Hugging Face names. */
    public static boolean decaysByName(Tensor parameter) {
        String name = parameter.name() == null ? "" : parameter.name();
        return !(name.endsWith("bias") || name.contains("LayerNorm") || name.contains("layernorm")
                || name.contains("layer_norm") || name.endsWith("norm.weight"));
    }

    /**
     * Updates every parameter that has a gradient, releases the gradients, and returns the relative-change metric
     * of each updated parameter by name (in parameter order).
     */
    public Map<String, Double> step(float lr, ChangeMetric metric) {
        Map<String, Double> changes = new LinkedHashMap<>();
        for (Tensor p : parameters) {
            Tensor grad = p.grad();
            if (grad == null) {
                continue;
            }
            State state = states.computeIfAbsent(p, k -> new State());
            if (state.m == null) {
                state.m = Tensor.zeros(p.device(), DType.F32, p.shape(), Category.OPTIMIZER_STATE, label(p) + ".exp_avg");
                state.v = Tensor.zeros(p.device(), DType.F32, p.shape(), Category.OPTIMIZER_STATE,
                        label(p) + ".exp_avg_sq");
            }
            state.steps++;
            float wd = decays.test(p) ? options.weightDecay() : 0f;
            AdamWParams params = new AdamWParams(lr, options.beta1(), options.beta2(), options.eps(), wd, state.steps);
            double change = p.device().kernels().optimizers().adamw(p.numel(), p.segment(), grad.segment(),
                    state.m.segment(), state.v.segment(), params, metric);
            changes.put(label(p), change);
            p.releaseGrad();
        }
        return changes;
    }

    private static String label(Tensor p) {
        return p.name() != null ? p.name() : p.owner();
    }

    /** Steps taken by {@code parameter} so far. */
    public long steps(Tensor parameter) {
        State s = states.get(parameter);
        return s == null ? 0 : s.steps;
    }

    /**
     * The moments of every parameter that has them, named {@code <parameter>.exp_avg} and
     * {@code <parameter>.exp_avg_sq} (views owned by this optimizer; do not close), for checkpoints.
     */
    public Map<String, Tensor> moments() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Tensor p : parameters) {
            State s = states.get(p);
            if (s != null && s.m != null) {
                out.put(label(p) + ".exp_avg", s.m);
                out.put(label(p) + ".exp_avg_sq", s.v);
            }
        }
        return out;
    }

    /** The step count of every parameter that has taken steps, by name. */
    public Map<String, Long> stepCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Tensor p : parameters) {
            State s = states.get(p);
            if (s != null && s.steps > 0) {
                out.put(label(p), s.steps);
            }
        }
        return out;
    }

    /**
     * Restores one parameter's state from a checkpoint: copies the moments (host or device tensors of the
     * parameter's shape) into fresh optimizer-state buffers and sets its step count.
     */
    public void restoreState(Tensor parameter, Tensor expAvg, Tensor expAvgSq, long steps) {
        if (!parameters.contains(parameter)) {
            throw new IllegalArgumentException("restoreState: " + parameter.describe() + " is not optimized here");
        }
        for (Tensor moment : new Tensor[] {expAvg, expAvgSq}) {
            if (!moment.shape().equals(parameter.shape())) {
                throw new IllegalArgumentException("restoreState: moment " + moment.describe() + " does not match "
                        + parameter.describe());
            }
        }
        releaseState(parameter);
        State s = states.computeIfAbsent(parameter, k -> new State());
        s.m = Tensor.empty(parameter.device(), DType.F32, parameter.shape(), Category.OPTIMIZER_STATE,
                label(parameter) + ".exp_avg");
        s.v = Tensor.empty(parameter.device(), DType.F32, parameter.shape(), Category.OPTIMIZER_STATE,
                label(parameter) + ".exp_avg_sq");
        dev.slimfit.engine.ops.Ops.copyInto(expAvg, s.m);
        dev.slimfit.engine.ops.Ops.copyInto(expAvgSq, s.v);
        s.steps = steps;
    }

    /** Restores the step count of a parameter whose moments were released (they restart at zero). */
    public void restoreStepsOnly(Tensor parameter, long steps) {
        releaseState(parameter);
        states.computeIfAbsent(parameter, k -> new State()).steps = steps;
    }

    public List<Tensor> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /**
     * Frees the moments of {@code parameter}; if it trains again they restart at zero with a fresh bias correction,
     * as for a parameter that never trained.
     */
    public void releaseState(Tensor parameter) {
        State s = states.get(parameter);
        if (s != null && s.m != null) {
            s.m.close();
            s.v.close();
            s.m = null;
            s.v = null;
            s.steps = 0;
        }
    }

    @Override
    public void close() {
        for (State s : new ArrayList<>(states.values())) {
            if (s.m != null) {
                s.m.close();
                s.v.close();
            }
        }
        states.clear();
    }
}
