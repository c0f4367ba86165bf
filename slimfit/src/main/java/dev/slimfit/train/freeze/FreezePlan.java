package dev.slimfit.train.freeze;

import dev.slimfit.engine.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which candidate tensors train and which are frozen in one iteration. */
public record FreezePlan(List<String> trained, List<String> frozen) {

    public FreezePlan {
        trained = List.copyOf(trained);
        frozen = List.copyOf(frozen);
    }

    /**
     * Applies the plan through requires-grad: frozen candidates stop requiring grad (so they get no gradient buffer,
     * no weight-gradient GEMM and no saved input that only their gradient needs), every other parameter trains.
     */
    public void apply(Map<String, Tensor> parameters) {
        Set<String> frozenSet = Set.copyOf(frozen);
        for (String name : frozen) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("freeze plan names '" + name + "', which the model does not have");
            }
        }
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            e.getValue().requiresGrad(!frozenSet.contains(e.getKey()));
        }
    }

    /** Everything trains. */
    public static FreezePlan none(List<String> candidates) {
        return new FreezePlan(candidates, List.of());
    }
}
