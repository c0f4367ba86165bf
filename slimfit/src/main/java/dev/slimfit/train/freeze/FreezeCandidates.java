package dev.slimfit.train.freeze;

import dev.slimfit.engine.Tensor;
import dev.slimfit.model.nn.LayerNorm;
import dev.slimfit.model.nn.Module;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors inter-layer scheduling may freeze, by the reference rule: every parameter with more than one
 * dimension, plus every LayerNorm weight. Biases (LayerNorm biases included) always train.
 */
public final class FreezeCandidates {

    private FreezeCandidates() {
    }

    /** Candidate names of {@code model} in parameter order. */
    public static List<String> of(Module model) {
        Set<String> layerNormWeights = new HashSet<>();
        collectLayerNormWeights(model, layerNormWeights);
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (e.getValue().rank() > 1 || layerNormWeights.contains(e.getKey())) {
                candidates.add(e.getKey());
            }
        }
        return candidates;
    }

    private static void collectLayerNormWeights(Module module, Set<String> out) {
        if (module instanceof LayerNorm layerNorm) {
            out.add(layerNorm.weight().name());
        }
        for (Module child : module.children()) {
            collectLayerNormWeights(child, out);
        }
    }
}
