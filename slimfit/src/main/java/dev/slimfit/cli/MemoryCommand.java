package dev.slimfit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.engine.Category;
import dev.slimfit.train.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * One measured training step of a BERT configuration per mode, each in its own JVM, and the ledger's peak bytes by
 * category side by side. No data or weights are needed (random weights, random tokens).
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Measure one training step per mode: ledger peak by category, total, peak RSS.")
public final class MemoryCommand implements Callable<Integer> {

    private static final double MIB = 1024.0 * 1024.0;

    @Option(names = "--config", defaultValue = "bert-base",
            description = "bert-base, bert-large or minilm (default: ${DEFAULT-VALUE})")
    String config;
    @Option(names = "--batch", defaultValue = "32", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--seq", defaultValue = "128", description = "sequence length (default: ${DEFAULT-VALUE})")
    int seq;
    @Option(names = "--modes", defaultValue = "full,freeze,slimfit,slimfit+", split = ",",
            description = "modes to measure (default: ${DEFAULT-VALUE})")
    List<String> modes;
    @Option(names = "--rate", defaultValue = "0.95", description = "freezing rate r (default: ${DEFAULT-VALUE})")
    double rate;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, ref or cuda (default: ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Option(names = "--json", description = "also write the results to this JSON file")
    Path json;
    @Option(names = "--release-state-after", defaultValue = "-1",
            description = "slimfit+: release AdamW moments after this many frozen steps (default: the mode's)")
    int releaseStateAfter;
    @Option(names = "--timed-steps", defaultValue = "1",
            description = "full-size steps per mode; the step time is their median (default: ${DEFAULT-VALUE})")
    int timedSteps;

    @Override
    public Integer call() throws IOException {
        for (String m : modes) {
            Mode.parse(m);
        }
        BertConfigs.named(config, 2);
        Validation.rate(rate);
        Validation.positive("--batch", batch);
        Validation.positive("--seq", seq);
        Validation.positive("--timed-steps", timedSteps);
        DeviceChoice.validate(device);
        System.out.printf(Locale.ROOT, "memory: %s, batch %d, seq %d, r = %.2f, device %s — one measured step per "
                + "mode, each in its own JVM, after warm-up steps at batch %d × seq %d%n", config, batch, seq, rate,
                device, MemoryProbeCommand.WARMUP_BATCH, MemoryProbeCommand.WARMUP_SEQUENCE);
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> results = new ArrayList<>();
        for (String m : modes) {
            List<String> args = List.of("memory-probe", "--config", config, "--mode", m, "--rate",
                    Double.toString(rate), "--batch", Integer.toString(batch), "--seq", Integer.toString(seq),
                    "--device", device, "--seed", Long.toString(seed), "--release-state-after",
                    Integer.toString(releaseStateAfter), "--timed-steps", Integer.toString(timedSteps));
            JsonNode[] result = new JsonNode[1];
            List<String> output = new ArrayList<>();
            int exit = ChildJvm.run(SlimFitCli.class, args, line -> {
                if (line.startsWith("RESULT ")) {
                    try {
                        result[0] = mapper.readTree(line.substring("RESULT ".length()));
                    } catch (IOException e) {
                        throw new IllegalStateException("unreadable result from the " + m + " probe: " + line, e);
                    }
                } else if (!line.startsWith("WARNING: Using incubator modules")) {
                    output.add(line);
                }
            });
            if (exit != 0 || result[0] == null) {
                output.forEach(System.err::println);
                throw new IllegalStateException("the " + m + " probe failed (exit code " + exit + ")");
            }
            results.add(result[0]);
            System.out.printf(Locale.ROOT, "  %-9s done: peak %.1f MiB in %.1f s%n", m,
                    result[0].get("peakTotal").asLong() / MIB, result[0].get("stepMillis").asDouble() / 1e3);
        }
        System.out.println();
        System.out.print(table(results));
        System.out.println();
        System.out.print(atPeak(results));
        System.out.println();
        System.out.print(firstPrinciples(results));
        if (json != null) {
            Files.writeString(json, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        }
        return 0;
    }

    /** What the total consisted of at the moment it peaked. */
    static String atPeak(List<JsonNode> results) {
        StringBuilder sb = new StringBuilder("composition at the moment of the total peak (MiB):\n");
        for (JsonNode r : results) {
            sb.append(String.format(Locale.ROOT, "%-9s", r.get("mode").asText()));
            for (Category c : Category.values()) {
                sb.append(String.format(Locale.ROOT, " %15.1f", r.get("atPeak_" + c.name()).asDouble() / MIB));
            }
            sb.append('\n');
        }
        sb.append("largest workspace buffers at that moment (MiB, by owner):\n");
        for (JsonNode r : results) {
            StringBuilder owners = new StringBuilder();
            r.path("workspaceAtPeak").properties().forEach(e -> owners.append(String.format(Locale.ROOT,
                    "%s%.1f %s", owners.isEmpty() ? "" : ", ", e.getValue().asDouble() / MIB, e.getKey())));
            sb.append(String.format(Locale.ROOT, "%-9s %s%n", r.get("mode").asText(), owners));
        }
        return sb.toString();
    }

    /** Expected vs measured for the categories that follow from first principles. */
    static String firstPrinciples(List<JsonNode> results) {
        StringBuilder sb = new StringBuilder("from first principles (expected / ledger, MiB): PARAMETER = 4 B × all "
                + "parameters; GRADIENT = 4 B × trained parameters; OPTIMIZER_STATE = 8 B × parameters with AdamW "
                + "moments; ACTIVATION = the per-layer count of BertActivationModel\n");
        for (JsonNode r : results) {
            sb.append(String.format(Locale.ROOT, "%-9s", r.get("mode").asText()));
            for (String c : new String[] {"PARAMETER", "GRADIENT", "OPTIMIZER_STATE", "ACTIVATION"}) {
                sb.append(String.format(Locale.ROOT, "  %s %.1f / %.1f", c, r.get("expected_" + c).asDouble() / MIB,
                        r.get("peak_" + c).asDouble() / MIB));
            }
            sb.append(String.format(Locale.ROOT, "  (%.1fM of %.1fM parameters train, %.1fM have moments)%n",
                    r.get("trainedParameters").asDouble() / 1e6, r.get("parameters").asDouble() / 1e6,
                    r.get("parametersWithOptimizerState").asDouble() / 1e6));
        }
        return sb.toString();
    }

    static String table(List<JsonNode> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-9s", "MiB"));
        for (Category c : Category.values()) {
            sb.append(String.format(Locale.ROOT, " %15s", c.name()));
        }
        sb.append(String.format(Locale.ROOT, " %11s %8s %9s %8s %9s%n", "peak total", "vs full", "peak RSS",
                "step s", "frozen"));
        double baseline = results.getFirst().get("peakTotal").asDouble();
        for (JsonNode r : results) {
            sb.append(String.format(Locale.ROOT, "%-9s", r.get("mode").asText()));
            for (Category c : Category.values()) {
                sb.append(String.format(Locale.ROOT, " %15.1f", r.get("peak_" + c.name()).asDouble() / MIB));
            }
            sb.append(String.format(Locale.ROOT, " %11.1f %7.2fx %9.0f %8.1f %5d/%d%n",
                    r.get("peakTotal").asDouble() / MIB, baseline / r.get("peakTotal").asDouble(),
                    r.get("peakRss").asDouble() / MIB, r.get("stepMillis").asDouble() / 1e3,
                    r.get("frozen").asInt(), r.get("candidates").asInt()));
        }
        if (results.getFirst().has("poolReservedPeak")) {
            // a GPU run: what the caching allocator and the device itself saw, beside the ledger's peak
            sb.append(String.format(Locale.ROOT, "%n%-9s %11s %15s %15s %15s%n", "MiB", "ledger peak",
                    "pool in use pk", "pool reserved", "device used"));
            for (JsonNode r : results) {
                sb.append(String.format(Locale.ROOT, "%-9s %11.1f %15.1f %15.1f %15.1f%n", r.get("mode").asText(),
                        r.get("peakTotal").asDouble() / MIB, r.get("poolAllocatedPeak").asDouble() / MIB,
                        r.get("poolReservedPeak").asDouble() / MIB, r.get("deviceUsedSinceStart").asDouble() / MIB));
            }
        }
        return sb.toString();
    }
}
