package dev.slimfit.model.checkpoint.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the importer needs of an ONNX model: versions, the graph's nodes in file order, its initializers by name,
 * and the names of its inputs and outputs.
 *
 * @param opsetVersion the version of the default ("ai.onnx") operator set, or 0 when the model names none
 */
public record OnnxGraph(long irVersion, long opsetVersion, String name, List<OnnxNode> nodes,
                        Map<String, OnnxInitializer> initializers, List<String> inputs, List<String> outputs) {

    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** For each value name, the nodes that read it, in file order. */
    public Map<String, List<OnnxNode>> consumers() {
        Map<String, List<OnnxNode>> readers = new HashMap<>();
        for (OnnxNode node : nodes) {
            for (String input : node.inputs()) {
                readers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
        return readers;
    }
}
