package dev.slimfit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.Tensor;
import dev.slimfit.model.checkpoint.CheckpointLoader;
import dev.slimfit.model.checkpoint.LoadOptions;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsReader;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything a run needs to continue exactly where it stopped: the weights (model.safetensors, Hugging Face
 * names), the AdamW moments (optimizer.safetensors) and, in state.json, the step, each tensor's AdamW step count,
 * the ILS metrics, the frozen-step counters and the dropout stream's position. The data order is a function of
 * (seed, step). A checkpoint folder appears under its final name only when complete (written beside it, then
 * renamed), so a crash never leaves a half-written checkpoint.
 */
public final class TrainingCheckpoint {

    public static final String WEIGHTS = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";

    private TrainingCheckpoint() {
    }

    public static void save(Trainer trainer, Path folder) throws IOException {
        Path staging = folder.resolveSibling(folder.getFileName() + ".partial");
        deleteRecursively(staging);
        Files.createDirectories(staging);
        SafetensorsWriter.write(staging.resolve(WEIGHTS), trainer.parameters(), Map.of("format", "pt"));
        SafetensorsWriter.write(staging.resolve(OPTIMIZER), trainer.optimizer().moments(), Map.of());
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode state = mapper.createObjectNode();
        state.put("step", trainer.step());
        state.set("adamwSteps", mapper.valueToTree(trainer.optimizer().stepCounts()));
        if (trainer.scheduler() != null) {
            ArrayNode metrics = state.putArray("ilsMetrics");
            double[] values = trainer.scheduler().metrics();
            for (int i = 0; i < values.length; i++) {
                ObjectNode entry = metrics.addObject();
                entry.put("tensor", trainer.scheduler().candidates().get(i));
                // JSON has no NaN/∞: store the bits, which also keeps the value exact
                entry.put("bits", Double.doubleToRawLongBits(values[i]));
            }
        }
        state.set("consecutiveFrozen", mapper.valueToTree(trainer.consecutiveFrozen()));
        state.put("dropoutPosition", trainer.task().dropoutStream().position());
        mapper.writerWithDefaultPrettyPrinter().writeValue(staging.resolve(STATE).toFile(), state);
        deleteRecursively(folder);
        Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Restores a trainer (built with the same task, options and method) to the checkpoint in {@code folder}. */
    public static void restore(Trainer trainer, Path folder) throws IOException {
        for (String file : new String[] {WEIGHTS, OPTIMIZER, STATE}) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                throw new IOException("checkpoint " + folder + " lacks " + file);
            }
        }
        CheckpointLoader.load(trainer.task().model(), "", folder.resolve(WEIGHTS), LoadOptions.EXACT);
        JsonNode state = new ObjectMapper().readTree(folder.resolve(STATE).toFile());
        Map<String, Tensor> parameters = trainer.parameters();
        try (SafetensorsReader moments = SafetensorsReader.open(folder.resolve(OPTIMIZER))) {
            Iterator<Map.Entry<String, JsonNode>> steps = state.get("adamwSteps").properties().iterator();
            while (steps.hasNext()) {
                Map.Entry<String, JsonNode> e = steps.next();
                Tensor parameter = parameters.get(e.getKey());
                if (parameter == null) {
                    throw new IOException(folder.resolve(STATE) + ": adamwSteps names unknown tensor " + e.getKey());
                }
                if (moments.header().entries().stream().anyMatch(x -> x.name().equals(e.getKey() + ".exp_avg"))) {
                    try (Tensor m = moments.read(e.getKey() + ".exp_avg", Devices.cpu());
                         Tensor v = moments.read(e.getKey() + ".exp_avg_sq", Devices.cpu())) {
                        trainer.optimizer().restoreState(parameter, m, v, e.getValue().asLong());
                    }
                } else {
                    trainer.optimizer().restoreStepsOnly(parameter, e.getValue().asLong());
                }
            }
        }
        if (trainer.scheduler() != null) {
            JsonNode metrics = state.get("ilsMetrics");
            double[] values = new double[trainer.scheduler().candidates().size()];
            if (metrics == null || metrics.size() != values.length) {
                throw new IOException(folder.resolve(STATE) + ": ilsMetrics do not match the "
                        + values.length + " candidates of this run");
            }
            for (int i = 0; i < values.length; i++) {
                JsonNode entry = metrics.get(i);
                if (!entry.get("tensor").asText().equals(trainer.scheduler().candidates().get(i))) {
                    throw new IOException(folder.resolve(STATE) + ": ilsMetrics[" + i + "] is for "
                            + entry.get("tensor").asText() + ", expected " + trainer.scheduler().candidates().get(i));
                }
                values[i] = Double.longBitsToDouble(entry.get("bits").asLong());
            }
            trainer.scheduler().restore(values);
        }
        Map<String, Integer> frozen = new HashMap<>();
        state.get("consecutiveFrozen").properties().forEach(e -> frozen.put(e.getKey(), e.getValue().asInt()));
        trainer.restoreProgress(state.get("step").asInt(), frozen);
        trainer.task().dropoutStream().position(state.get("dropoutPosition").asLong());
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
