package dev.slimfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.engine.Category;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.cuda.CudaDevice;
import dev.slimfit.engine.cuda.DeviceMemoryReport;
import dev.slimfit.report.ProgressPrinter;
import dev.slimfit.report.StepLog;
import dev.slimfit.report.TimelinePlot;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Mode;
import dev.slimfit.train.RunResult;
import dev.slimfit.train.Trainer;
import dev.slimfit.train.TrainerOptions;
import dev.slimfit.train.memory.RateForBudget;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.checkpoint.onnx.MiniLmOnnxImporter;
import dev.slimfit.train.TrainingCheckpoint;
import dev.slimfit.model.checkpoint.CheckpointFolder;
import dev.slimfit.train.TrainingListeners;
import dev.slimfit.train.task.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * One mode of {@code finetune}, in its own JVM: loads the model and data, trains, evaluates, and writes
 * report.json, steps.jsonl and memory-timeline.png into {@code --output}; prints a {@code RESULT} line.
 */
@Command(name = "finetune-run", hidden = true, description = "internal: one mode of the finetune command")
public final class FinetuneRunCommand implements Callable<Integer> {

    @Mixin
    FinetuneOptions options;
    @Option(names = "--mode", required = true)
    String mode;
    @Option(names = "--output", required = true)
    Path output;
    @Option(names = "--resume", description = "continue from this training checkpoint folder")
    Path resume;

    @Override
    public Integer call() throws Exception {
        options.validate();
        Mode m = Mode.parse(mode);
        MethodOptions method = options.method(m);
        Device device = DeviceChoice.resolve(options.device);
        Files.createDirectories(output);
        String prefix = "[" + m.cliName() + "]";
        if (options.budget != null) {
            BertConfig config = (options.model.equals("minilm") ? MiniLmOnnxImporter.config()
                    : CheckpointFolder.readBertConfig(Path.of(options.model))).withNumLabels(2);
            RateForBudget.Choice choice = RateForBudget.choose(device, config, options.batch, options.seq, method,
                    ByteSizes.parse("--budget", options.budget), options.seed,
                    line -> System.out.println(prefix + " " + line));
            method = MethodOptions.withRate(method, choice.rate());
            System.out.println(prefix + " memory budget " + options.budget + ": freezing rate r = " + choice.rate());
        }
        System.out.println(prefix + " loading " + options.task + " and " + options.model + "...");
        Task loadedTask = TaskFactory.create(options, method, device);
        int steps = options.epochs == null ? options.steps
                : (int) Math.ceil(options.epochs * (loadedTask.trainSize() / options.batch));
        if (options.batch > loadedTask.trainSize()) {
            loadedTask.close();
            throw new IllegalArgumentException("--batch " + options.batch + " exceeds the " + loadedTask.trainSize()
                    + " training examples");
        }
        String description = loadedTask.describe();
        TrainerOptions trainerOptions = new TrainerOptions(steps, options.batch, options.lr, options.warmup,
                options.evalEvery, options.evalBatch, options.seed);
        try (Task task = loadedTask;
             StepLog stepLog = new StepLog(output.resolve("steps.jsonl"));
             Trainer trainer = new Trainer(task, trainerOptions, method,
                     new TrainingListeners(stepLog, new ProgressPrinter(System.out, prefix, steps)))) {
            System.out.println(prefix + " " + description + "; not from the checkpoint (random): "
                    + task.notFromCheckpoint());
            device.ledger().resetPeaks();
            if (device instanceof CudaDevice cuda) {
                // the pool's figures cover the training alone, as the ledger's: loading's cached segments go back
                cuda.allocator().releaseCached();
                cuda.allocator().resetPeaks();
            }
            if (resume != null) {
                TrainingCheckpoint.restore(trainer, resume);
                System.out.println(prefix + " resumed from " + resume + " after step " + trainer.step());
            }
            if (options.checkpointEvery > 0) {
                saveCheckpointsEvery(trainer, options.checkpointEvery, output.resolve("checkpoint"));
            }
            RunResult result = trainer.run(m.cliName());
            CheckpointFolder.save(task.model(), output.resolve("model"));
            if (!TaskFactory.isImageTask(options.task)) {
                PretrainedBert.copyTokenizer(options.model, output.resolve("model"));
            }
            ObjectNode json = toJson(result, method, trainerOptions, description, task.primaryMetric());
            if (device instanceof CudaDevice cuda) {
                putDeviceMemory(json, cuda.memoryReport());
            }
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(output.resolve("report.json").toFile(),
                    json);
            writeTimelinePlot(device, "memory ledger: " + m.cliName() + ", " + description,
                    output.resolve("memory-timeline.png"), prefix);
            System.out.println("RESULT " + new ObjectMapper().writeValueAsString(json));
        }
        return 0;
    }

    /**
     * The plot comes after the report, and a plot that cannot be drawn (a runtime without java.desktop, as the GPU
     * kit's) is a warning: the run's results are already written.
     */
    static void writeTimelinePlot(Device device, String title, Path png, String prefix) {
        try {
            TimelinePlot.write(device.ledger().timeline(), title, png);
        } catch (LinkageError | java.io.IOException | RuntimeException e) {
            System.out.println(prefix + " warning: " + png.getFileName() + " not written (" + e + ")");
        }
    }

    private static void saveCheckpointsEvery(Trainer trainer, int every, Path folder) {
        trainer.afterEachStep(t -> {
            if (t.step() % every == 0) {
                try {
                    TrainingCheckpoint.save(t, folder);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("saving checkpoint " + folder, e);
                }
            }
        });
    }

    /**
     * The GPU's own view beside the ledger's: the caching pool's peaks over the training (from the same point as the
     * ledger's), and cudaMemGetInfo's used bytes beyond those at device creation, at the end of the run.
     */
    private static void putDeviceMemory(ObjectNode json, DeviceMemoryReport report) {
        ObjectNode memory = json.putObject("deviceMemoryBytes");
        memory.put("poolAllocatedPeak", report.poolAllocatedPeak());
        memory.put("poolReservedPeak", report.poolReservedPeak());
        memory.put("providerWorkspace", report.providerWorkspace());
        memory.put("deviceUsedSinceStart", report.deviceUsedSinceStart());
    }

    static ObjectNode toJson(RunResult r, MethodOptions method, TrainerOptions options, String description,
                             String primaryMetric) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = mapper.createObjectNode();
        json.put("mode", r.mode());
        json.put("primaryMetric", primaryMetric);
        json.put("description", description);
        json.set("method", mapper.valueToTree(method));
        json.set("options", mapper.valueToTree(options));
        json.set("metrics", mapper.valueToTree(r.finalMetrics()));
        json.set("evaluations", mapper.valueToTree(r.evaluations()));
        ObjectNode peak = json.putObject("ledgerPeakBytes");
        for (Category c : Category.values()) {
            peak.put(c.name().toLowerCase(Locale.ROOT), r.peakBytesByCategory()[c.ordinal()]);
        }
        peak.put("total", r.peakTotalBytes());
        json.put("peakRssBytes", r.peakResidentBytes());
        json.put("meanStepMillis", r.meanStepMillis());
        json.put("trainSeconds", r.trainSeconds());
        json.put("meanFrozen", r.meanFrozen());
        json.put("candidates", r.candidates());
        return json;
    }
}
