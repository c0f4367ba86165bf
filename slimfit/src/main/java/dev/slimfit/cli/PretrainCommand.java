package dev.slimfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.engine.Device;
import dev.slimfit.model.checkpoint.CheckpointFolder;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.model.vit.ViTForImageClassification;
import dev.slimfit.report.ProgressPrinter;
import dev.slimfit.report.StepLog;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Mode;
import dev.slimfit.train.RunResult;
import dev.slimfit.train.Trainer;
import dev.slimfit.train.TrainerOptions;
import dev.slimfit.train.TrainingListeners;
import dev.slimfit.train.data.image.FashionMnist;
import dev.slimfit.train.data.image.ImageDataset;
import dev.slimfit.train.task.ImageClassificationTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Trains a ViT from scratch on Fashion-MNIST (no pretrained ViT is shipped by any reachable registry) and saves it
 * as a Hugging Face ViT checkpoint, ready for {@code finetune --task mnist --model <output>/model}.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Train a small ViT from scratch on Fashion-MNIST and save a Hugging Face ViT checkpoint.")
public final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "fashion-mnist (default)")
    String data;
    @Option(names = "--image-size", defaultValue = "28")
    int imageSize;
    @Option(names = "--patch", defaultValue = "7")
    int patch;
    @Option(names = "--hidden", defaultValue = "96")
    int hidden;
    @Option(names = "--layers", defaultValue = "4")
    int layers;
    @Option(names = "--heads", defaultValue = "4")
    int heads;
    @Option(names = "--ffn", defaultValue = "192")
    int ffn;
    @Option(names = "--dropout", defaultValue = "0.1")
    float dropout;
    @Option(names = "--steps", defaultValue = "5000")
    int steps;
    @Option(names = "--batch", defaultValue = "64")
    int batch;
    @Option(names = "--lr", defaultValue = "2e-3")
    float lr;
    @Option(names = "--warmup", defaultValue = "0.05")
    double warmup;
    @Option(names = "--eval-examples", defaultValue = "10000")
    int evalExamples;
    @Option(names = "--eval-batch", defaultValue = "250")
    int evalBatch;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Option(names = "--device", defaultValue = "cpu")
    String device;
    @Option(names = "--output", defaultValue = "out/vit-fashion-mnist")
    Path output;
    @Option(names = "--overwrite")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (!data.equals("fashion-mnist")) {
            throw new IllegalArgumentException("--data: only fashion-mnist can be used for pretraining, got " + data);
        }
        Validation.positive("--steps", steps);
        Validation.positive("--batch", batch);
        ViTConfig config = new ViTConfig(hidden, layers, heads, ffn, "gelu", dropout, 0f, 0.02, 1e-12f, imageSize,
                patch, 1, FashionMnist.CLASSES.size());
        Device dev = DeviceChoice.resolve(device);
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("--output " + output + " already exists; pass --overwrite");
        }
        Path staging = output.resolveSibling(output.getFileName() + ".partial");
        FinetuneCommand.deleteRecursively(staging);
        Files.createDirectories(staging);
        boolean done = false;
        try {
            ImageDataset train = FashionMnist.load(true);
            ImageDataset test = FashionMnist.load(false);
            if (test.size() > evalExamples) {
                int[] first = java.util.stream.IntStream.range(0, evalExamples).toArray();
                test = test.subset(first, test.source() + " (first " + evalExamples + ")");
            }
            ViTForImageClassification model = new ViTForImageClassification(dev, config, seed, false);
            model.initialize(seed);
            String description = String.format(Locale.ROOT, "ViT from scratch (%d layers × %d, patch %d) on "
                    + "Fashion-MNIST (%d train / %d test images)", layers, hidden, patch, train.size(), test.size());
            System.out.println("[pretrain] " + description);
            MethodOptions full = MethodOptions.of(Mode.FULL, 0);
            TrainerOptions options = new TrainerOptions(steps, batch, lr, warmup, 0, evalBatch, seed);
            try (ImageClassificationTask task = new ImageClassificationTask(model, train, test,
                    List.copyOf(model.namedParameters().keySet()), description);
                 StepLog log = new StepLog(staging.resolve("steps.jsonl"));
                 Trainer trainer = new Trainer(task, options, full,
                         new TrainingListeners(log, new ProgressPrinter(System.out, "[pretrain]", steps)))) {
                RunResult result = trainer.run("pretrain");
                CheckpointFolder.save(model, staging.resolve("model"));
                ObjectNode json = FinetuneRunCommand.toJson(result, full, options, description, "accuracy");
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(staging.resolve("report.json").toFile(),
                        json);
                System.out.printf(Locale.ROOT, "[pretrain] Fashion-MNIST test accuracy %.2f%% after %d steps (%.0f s); "
                        + "checkpoint: %s%n", 100 * result.finalMetrics().get("accuracy"), steps, result.trainSeconds(),
                        output.resolve("model").toAbsolutePath());
            }
            if (overwrite) {
                FinetuneCommand.deleteRecursively(output);
            }
            Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                FinetuneCommand.deleteRecursively(staging);
            }
        }
        return 0;
    }
}
