package dev.slimfit.model.checkpoint.onnx;

import dev.slimfit.engine.Tensor;
import dev.slimfit.model.checkpoint.Architecture;
import dev.slimfit.model.checkpoint.CheckpointFormatException;
import dev.slimfit.model.checkpoint.HostStaging;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.checkpoint.PrefixRule;
import dev.slimfit.model.nn.Module;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports the weights of a BERT exported to ONNX by PyTorch (as all-MiniLM-L6-v2 and its siblings are) into a
 * model's parameters. Embeddings, biases and LayerNorm tensors are initializers that keep their Hugging Face names.
 * Each Linear weight, however, became an anonymous initializer ({@code onnx::MatMul_787}) stored [in, out], the
 * right-hand side of a {@code MatMul} whose output an {@code Add} with the named bias consumes. So the importer
 * follows the graph: MatMul → Add(bias named {@code X.bias}) gives the weight the name {@code X.weight}, and the
 * matrix is transposed into the Linear layout [out, in].
 *
 * <p>As with safetensors, everything is checked before anything is copied (names, dtypes, shapes, that no two
 * initializers fill one parameter, and, unless allowed, that every parameter has its initializer), names follow the
 * base-model {@link PrefixRule}, and nothing is allocated: the data goes from the mapped file into the parameters.
 * Initializers that are not weights (position ids, constants) are listed as unexpected in the report; a graph holds
 * such constants, so they are never an error.
 */
public final class BertOnnxImporter {

    private static final String MATMUL = "MatMul";
    private static final String ADD = "Add";
    private static final String BIAS_SUFFIX = ".bias";
    private static final String WEIGHT_SUFFIX = ".weight";

    private BertOnnxImporter() {
    }

    /** Where one parameter comes from. */
    private record Source(OnnxInitializer initializer, boolean transposed) {
    }

    /**
     * Imports into one of this project's BERT models (base or task model).
     *
     * @param allowMissing whether parameters without an initializer (a task head, a pooler) are only reported;
     *                     otherwise they are an error before anything is copied
     */
    public static LoadReport importInto(Module model, OnnxModelFile onnx, boolean allowMissing)
            throws CheckpointFormatException {
        return importInto(model, Architecture.BERT_MODEL.basePrefix(), onnx, allowMissing);
    }

    public static LoadReport importInto(Module model, String basePrefix, OnnxModelFile onnx, boolean allowMissing)
            throws CheckpointFormatException {
        String file = onnx.source();
        OnnxGraph graph = onnx.graph();
        Map<String, Tensor> parameters = model.namedParameters();
        PrefixRule rule = PrefixRule.choose(basePrefix, parameters.keySet(), graph.initializers().keySet());

        Map<String, Source> sources = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (OnnxInitializer init : graph.initializers().values()) {
            String name = rule.modelName(basePrefix, init.name(), parameters.containsKey(init.name()));
            if (parameters.containsKey(name)) {
                assign(file, sources, name, new Source(init, false));
                used.add(init.name());
            }
        }
        Map<String, List<OnnxNode>> consumers = graph.consumers();
        for (OnnxNode node : graph.nodes()) {
            if (!node.opType().equals(MATMUL) || node.inputs().size() != 2 || node.outputs().isEmpty()) {
                continue;
            }
            OnnxInitializer weight = graph.initializers().get(node.inputs().get(1));
            if (weight == null || used.contains(weight.name())) {
                continue;
            }
            String name = weightNameFromBias(node, consumers, graph, rule, basePrefix, parameters);
            if (name != null) {
                assign(file, sources, name, new Source(weight, true));
                used.add(weight.name());
            }
        }
        for (Map.Entry<String, Source> s : sources.entrySet()) {
            check(file, s.getKey(), s.getValue(), parameters.get(s.getKey()));
        }

        List<String> loaded = parameters.keySet().stream().filter(sources::containsKey).toList();
        List<String> missing = parameters.keySet().stream().filter(name -> !sources.containsKey(name)).toList();
        List<String> unused = graph.initializers().keySet().stream().filter(n -> !used.contains(n)).toList();
        LoadReport report = new LoadReport(file, rule, loaded, missing, unused);
        if (!allowMissing) {
            report.requireComplete();
        }
        for (String name : loaded) {
            copy(onnx, sources.get(name), parameters.get(name));
        }
        return report;
    }

    /**
     * The parameter name of a MatMul's weight: among the readers of the MatMul's output exactly one must be an Add
     * whose other input is an initializer named like a bias of the model; null when the MatMul is not a Linear layer
     * (a product of two activations, or a weight without a named bias).
     */
    private static String weightNameFromBias(OnnxNode matmul, Map<String, List<OnnxNode>> consumers, OnnxGraph graph,
                                             PrefixRule rule, String basePrefix, Map<String, Tensor> parameters) {
        String product = matmul.outputs().getFirst();
        String found = null;
        for (OnnxNode reader : consumers.getOrDefault(product, List.of())) {
            if (!reader.opType().equals(ADD) || reader.inputs().size() != 2) {
                continue;
            }
            String other = reader.inputs().get(0).equals(product) ? reader.inputs().get(1) : reader.inputs().get(0);
            if (!graph.initializers().containsKey(other)) {
                continue;
            }
            String bias = rule.modelName(basePrefix, other, parameters.containsKey(other));
            if (!bias.endsWith(BIAS_SUFFIX)) {
                continue;
            }
            String weight = bias.substring(0, bias.length() - BIAS_SUFFIX.length()) + WEIGHT_SUFFIX;
            if (parameters.containsKey(bias) && parameters.containsKey(weight)) {
                if (found != null && !found.equals(weight)) {
                    return null; // two biases claim this product: not a Linear layer we can name
                }
                found = weight;
            }
        }
        return found;
    }

    private static void assign(String file, Map<String, Source> sources, String parameter, Source source)
            throws CheckpointFormatException {
        Source earlier = sources.putIfAbsent(parameter, source);
        if (earlier != null) {
            throw CheckpointFormatException.tensor(file, source.initializer().name(), "maps to parameter '"
                    + parameter + "', which initializer '" + earlier.initializer().name() + "' already fills");
        }
    }

    private static void check(String file, String parameter, Source source, Tensor target)
            throws CheckpointFormatException {
        OnnxInitializer init = source.initializer();
        String role = init.name().equals(parameter) ? "" : " (parameter '" + parameter + "')";
        if (!init.hasFloatBytes()) {
            throw CheckpointFormatException.tensor(file, init.name(), "is " + OnnxDataType.describe(init.dataType())
                    + " stored as " + init.storage() + role + "; only FLOAT in raw_data or float_data can be imported");
        }
        int[] expected = target.dims();
        if (source.transposed()) {
            // the MatMul's right-hand side is [in, out], the transpose of the Linear weight [out, in]
            expected = new int[] {expected[1], expected[0]};
        }
        long[] found = init.dims();
        boolean same = found.length == expected.length;
        for (int i = 0; same && i < found.length; i++) {
            same = found[i] == expected[i];
        }
        if (!same) {
            throw CheckpointFormatException.tensor(file, init.name(), "dims " + Arrays.toString(expected)
                    + " expected" + role + (source.transposed() ? " as a MatMul weight [in, out]" : "")
                    + ", file has " + init.dimsText());
        }
    }

    private static void copy(OnnxModelFile onnx, Source source, Tensor target) {
        MemorySegment data = onnx.data(source.initializer());
        if (source.transposed()) {
            // checked equal to the parameter's int dims
            int in = Math.toIntExact(source.initializer().dim(0));
            int out = Math.toIntExact(source.initializer().dim(1));
            HostStaging.fill(target, dst -> Transposition.transpose(data, in, out, dst));
        } else {
            target.copyFromHost(data, data.byteSize());
        }
    }
}
