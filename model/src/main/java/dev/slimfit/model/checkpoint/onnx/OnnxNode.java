package dev.slimfit.model.checkpoint.onnx;

import java.util.List;

/**
 * One node of an ONNX graph: the operator and the names of the values it reads and writes (attributes are not kept;
 * the importer follows only the wiring).
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
