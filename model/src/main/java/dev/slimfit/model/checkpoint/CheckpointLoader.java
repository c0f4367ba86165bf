package dev.slimfit.model.checkpoint;

import dev.slimfit.engine.Tensor;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsEntry;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsReader;
import dev.slimfit.model.nn.Module;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a safetensors file into a model's existing parameters, by Hugging Face name
 * ({@link Module#namedParameters()}), with the base-model {@link PrefixRule}. Everything is checked before the first
 * byte is copied: each file tensor's shape against its parameter's, its dtype (F32, or F16/BF16/F64 converted), that
 * no two file tensors land on one parameter, and missing or unexpected tensors against the {@link LoadOptions}. So a
 * failed load leaves the model as it was, and a load allocates no tensor memory at all: the data goes from the
 * mapped file into the parameters' buffers.
 */
public final class CheckpointLoader {

    private CheckpointLoader() {
    }

    /** Loads {@code file} into one of this project's models (its architecture gives the base-model prefix). */
    public static LoadReport load(Module model, Path file, LoadOptions options) throws IOException {
        return load(model, Architecture.of(model).basePrefix(), file, options);
    }

    /** @param basePrefix the base-model prefix of the model's family ({@code bert}, {@code vit}) */
    public static LoadReport load(Module model, String basePrefix, Path file, LoadOptions options)
            throws IOException {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return load(model, basePrefix, reader, options);
        }
    }

    public static LoadReport load(Module model, String basePrefix, SafetensorsReader reader, LoadOptions options)
            throws CheckpointFormatException {
        String source = reader.file().toString();
        Map<String, Tensor> parameters = model.namedParameters();
        List<String> fileNames = reader.entries().stream().map(SafetensorsEntry::name).toList();
        PrefixRule rule = PrefixRule.choose(basePrefix, parameters.keySet(), fileNames);

        Map<String, SafetensorsEntry> sources = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (SafetensorsEntry entry : reader.entries()) {
            String name = rule.modelName(basePrefix, entry.name(), parameters.containsKey(entry.name()));
            Tensor parameter = parameters.get(name);
            if (parameter == null) {
                unexpected.add(entry.name());
                continue;
            }
            SafetensorsEntry earlier = sources.putIfAbsent(name, entry);
            if (earlier != null) {
                throw CheckpointFormatException.tensor(source, entry.name(), "loads into parameter '" + name
                        + "', which tensor '" + earlier.name() + "' already fills (" + rule + ")");
            }
            check(source, entry, name, parameter);
        }
        List<String> loaded = parameters.keySet().stream().filter(sources::containsKey).toList();
        List<String> missing = parameters.keySet().stream().filter(name -> !sources.containsKey(name)).toList();
        LoadReport report = new LoadReport(source, rule, loaded, missing, unexpected);
        report.check(options);

        for (String name : loaded) {
            reader.copyInto(sources.get(name), parameters.get(name));
        }
        return report;
    }

    private static void check(String source, SafetensorsEntry entry, String parameterName, Tensor parameter)
            throws CheckpointFormatException {
        String target = parameterName.equals(entry.name()) ? "" : " (parameter '" + parameterName + "')";
        if (entry.dtype().loadsAs() != parameter.dtype()) {
            throw CheckpointFormatException.tensor(source, entry.name(), "dtype " + entry.dtype() + " cannot load into "
                    + "the " + parameter.dtype() + " parameter" + target);
        }
        if (!entry.shape().equals(parameter.shape())) {
            throw CheckpointFormatException.tensor(source, entry.name(), "shape " + parameter.shape() + " expected"
                    + target + ", file has " + entry.shape());
        }
    }
}
