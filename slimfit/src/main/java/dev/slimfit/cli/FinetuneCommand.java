package dev.slimfit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.engine.Category;
import dev.slimfit.train.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Fine-tunes a pretrained BERT in one or more modes with the same seed, data and steps — each mode in its own JVM,
 * so that peak RSS is per mode — and writes a side-by-side report. Results appear under {@code --output} only when
 * every mode has finished; a failed run leaves nothing that looks like a result.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a pretrained BERT in several modes and compare accuracy, memory and time.")
public final class FinetuneCommand implements Callable<Integer> {

    private static final double MIB = 1024.0 * 1024.0;

    @Mixin
    FinetuneOptions options;
    @Option(names = "--modes", defaultValue = "full,slimfit", split = ",",
            description = "modes to run: full, freeze, slimfit, slimfit+ (default: ${DEFAULT-VALUE})")
    List<String> modes;
    @Option(names = "--output", defaultValue = "out/finetune", description = "report folder (default: ${DEFAULT-VALUE})")
    Path output;
    @Option(names = "--overwrite", description = "replace an existing report folder")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        options.validate();
        for (String m : modes) {
            Mode.parse(m);
        }
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("--output " + output + " already exists; choose another folder or "
                    + "pass --overwrite");
        }
        Path staging = output.resolveSibling(output.getFileName() + ".partial");
        deleteRecursively(staging);
        Files.createDirectories(staging);
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> results = new ArrayList<>();
        boolean done = false;
        try {
            for (String m : modes) {
                Path modeFolder = staging.resolve(folderName(m));
                List<String> args = new ArrayList<>(List.of("finetune-run"));
                args.addAll(options.toArgs());
                args.addAll(List.of("--mode", m, "--output", modeFolder.toString()));
                JsonNode[] result = new JsonNode[1];
                int exit = ChildJvm.run(SlimFitCli.class, args, line -> {
                    if (line.startsWith("RESULT ")) {
                        try {
                            result[0] = mapper.readTree(line.substring("RESULT ".length()));
                        } catch (IOException e) {
                            throw new IllegalStateException("unreadable result of mode " + m, e);
                        }
                    } else if (!line.startsWith("WARNING: Using incubator modules")) {
                        System.out.println(line);
                    }
                });
                if (exit != 0 || result[0] == null) {
                    throw new IllegalStateException("mode " + m + " failed (exit code " + exit + "); see the lines "
                            + "above");
                }
                results.add(result[0]);
            }
            String table = table(results);
            String markdown = "# Fine-tuning comparison\n\n" + results.getFirst().get("description").asText()
                    + "\n\n" + table + "\nEach mode ran in its own JVM with the same seed (" + options.seed
                    + "), data order and steps. Ledger figures are peaks over the training steps; peak RSS is the "
                    + "process's VmHWM. Per-mode details: <mode>/report.json, <mode>/steps.jsonl, "
                    + "<mode>/memory-timeline.png.\n";
            Files.writeString(staging.resolve("report.md"), markdown);
            mapper.writerWithDefaultPrettyPrinter().writeValue(staging.resolve("report.json").toFile(), results);
            if (overwrite) {
                deleteRecursively(output);
            }
            Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            System.out.println();
            System.out.print(table);
            System.out.println("\nreports and plots: " + output.toAbsolutePath());
        } finally {
            if (!done) {
                deleteRecursively(staging);
            }
        }
        return 0;
    }

    private static String folderName(String mode) {
        return mode.replace("+", "-plus");
    }

    static String table(List<JsonNode> results) {
        String metric = results.getFirst().get("primaryMetric").asText();
        StringBuilder sb = new StringBuilder("| mode | r | " + metric + " |");
        for (Category c : Category.values()) {
            sb.append(' ').append(c.name().toLowerCase(Locale.ROOT)).append(" MiB |");
        }
        sb.append(" ledger peak MiB | vs first | peak RSS MiB | s/step | frozen/candidates |\n|---|---:|---:|");
        sb.append("---:|".repeat(Category.values().length)).append("---:|---:|---:|---:|---:|\n");
        double baseline = results.getFirst().get("ledgerPeakBytes").get("total").asDouble();
        for (JsonNode r : results) {
            JsonNode peak = r.get("ledgerPeakBytes");
            JsonNode method = r.get("method");
            String rate = method.get("freezing").asBoolean() ? String.format(Locale.ROOT, "%.2f",
                    method.get("rate").asDouble()) : "-";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f%% |", r.get("mode").asText(), rate,
                    100 * r.get("metrics").get(metric).asDouble()));
            for (Category c : Category.values()) {
                sb.append(String.format(Locale.ROOT, " %.1f |", peak.get(c.name().toLowerCase(Locale.ROOT)).asDouble()
                        / MIB));
            }
            sb.append(String.format(Locale.ROOT, " %.1f | %.2fx | %.0f | %.2f | %.1f/%d |%n",
                    peak.get("total").asDouble() / MIB, baseline / peak.get("total").asDouble(),
                    r.get("peakRssBytes").asDouble() / MIB, r.get("meanStepMillis").asDouble() / 1e3,
                    r.get("meanFrozen").asDouble(), r.get("candidates").asInt()));
        }
        return sb.toString();
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
