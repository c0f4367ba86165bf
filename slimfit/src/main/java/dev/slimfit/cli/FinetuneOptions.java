package dev.slimfit.cli;

import dev.slimfit.train.MethodOptions;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The options shared by {@code finetune} and its per-mode child runs. */
public final class FinetuneOptions {

    @Option(names = "--model", defaultValue = "minilm",
            description = "minilm (built-in pretrained all-MiniLM-L6-v2) or a Hugging Face checkpoint folder "
                    + "(default: ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--task", defaultValue = "imdb", description = "imdb, a GLUE task (cola, sst2, mrpc, stsb, qqp, "
            + "mnli, mnli-mm, qnli, rte, wnli), squad (v1.1), squad2 (v2.0), mnist, fashion-mnist, cifar10, cifar100 or images "
            + "(default: ${DEFAULT-VALUE})")
    String task;
    @Option(names = "--data", description = "data folder for GLUE (the TSVs), SQuAD (train-v1.1.json and dev-v1.1.json, "
            + "or the v2.0 pair), cifar10/cifar100 (binary batches) and images (train/ and test/ with one sub-folder "
            + "per class)")
    java.nio.file.Path data;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, ref or cuda (default: ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--rate", description = "freezing rate r in [0, 1) (default: the reference's rate for the task; "
            + "0.8 for IMDB)")
    Double rate;
    @Option(names = "--plus-rate", description = "freezing rate of slimfit+ alone (default: --rate): its smaller "
            + "optimizer state leaves room to train more layers within the same memory")
    Double plusRate;
    @Option(names = "--batch", defaultValue = "16", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--seq", defaultValue = "128", description = "sequence length (default: ${DEFAULT-VALUE})")
    int seq;
    @Option(names = "--lr", defaultValue = "1e-4", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float lr;
    @Option(names = "--warmup", defaultValue = "0.1", description = "warm-up share of the steps (default: ${DEFAULT-VALUE})")
    double warmup;
    @Option(names = "--steps", defaultValue = "300", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--epochs", description = "train this many epochs instead of --steps")
    Double epochs;
    @Option(names = "--eval-examples", defaultValue = "2000",
            description = "evaluation reviews (default: ${DEFAULT-VALUE})")
    int evalExamples;
    @Option(names = "--eval-every", defaultValue = "0",
            description = "evaluate every N steps as well as at the end (default: only at the end)")
    int evalEvery;
    @Option(names = "--eval-batch", defaultValue = "64", description = "evaluation batch (default: ${DEFAULT-VALUE})")
    int evalBatch;
    @Option(names = "--seed", defaultValue = "42", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--budget", description = "memory budget (e.g. 300MiB, 1.5GiB): the freezing rate is chosen "
            + "as the lowest that fits, by measuring probe steps (freezing modes only; overrides --rate)")
    String budget;
    @Option(names = "--release-state-after", description = "slimfit+: release the AdamW moments of a tensor frozen "
            + "for this many consecutive steps (0 keeps them; default " + MethodOptions.DEFAULT_RELEASE_STATE_AFTER
            + ")")
    Integer releaseStateAfter;
    @Option(names = "--doc-stride", description = "SQuAD: context tokens shared by consecutive windows (default: "
            + "128, or a quarter of --seq when that is shorter)")
    Integer docStride;
    @Option(names = "--checkpoint-every", defaultValue = "0",
            description = "save a resumable checkpoint every N steps into <output>/<mode>/checkpoint (default: off)")
    int checkpointEvery;

    /** Validates what does not need data or weights; each failure names the option. */
    void validate() {
        double defaultRate = TaskFactory.validate(task, data);
        if (rate == null) {
            rate = defaultRate;
        }
        Validation.rate(rate);
        if (plusRate != null) {
            Validation.rate("--plus-rate", plusRate);
        }
        Validation.positive("--batch", batch);
        Validation.positive("--steps", steps);
        Validation.positive("--eval-examples", evalExamples);
        Validation.positive("--eval-batch", evalBatch);
        if (seq < 2 || seq > 512) {
            throw new IllegalArgumentException("--seq must be in [2, 512] (BERT's position table), got " + seq);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new IllegalArgumentException("--warmup must be in [0, 1), got " + warmup);
        }
        if (epochs != null && !(epochs > 0)) {
            throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        }
        if (budget != null) {
            ByteSizes.parse("--budget", budget);
        }
        if (releaseStateAfter != null && releaseStateAfter < 0) {
            throw new IllegalArgumentException("--release-state-after must be >= 0, got " + releaseStateAfter);
        }
        if (docStride != null && docStride < 0) {
            throw new IllegalArgumentException("--doc-stride must be >= 0, got " + docStride);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("--eval-every must be >= 0, got " + evalEvery);
        }
        DeviceChoice.validate(device);
        if (!model.equals("minilm") && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(model))) {
            throw new IllegalArgumentException("--model: '" + model + "' is neither 'minilm' nor a checkpoint folder");
        }
        if (TaskFactory.isImageTask(task) && model.equals("minilm")) {
            throw new IllegalArgumentException("--task " + task + " needs --model <ViT checkpoint folder>");
        }
        if (budget != null && TaskFactory.isImageTask(task)) {
            throw new IllegalArgumentException("--budget is implemented for BERT tasks only");
        }
    }

    /** The SQuAD window overlap: --doc-stride, else run_qa's 128 capped at a quarter of the sequence. */
    int docStride() {
        return docStride != null ? docStride : Math.min(TaskFactory.SQUAD_DEFAULT_DOC_STRIDE, seq / 4);
    }

    /** The method options of {@code mode} with these options' rate and state release applied. */
    MethodOptions method(dev.slimfit.train.Mode mode) {
        double modeRate = plusRate != null && mode == dev.slimfit.train.Mode.SLIMFIT_PLUS ? plusRate : rate;
        MethodOptions method = MethodOptions.of(mode, modeRate);
        if (releaseStateAfter != null && mode == dev.slimfit.train.Mode.SLIMFIT_PLUS) {
            method = MethodOptions.withReleaseStateAfter(method, releaseStateAfter);
        }
        return method;
    }

    /** These options as command-line arguments (for the child runs). */
    List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--model", model, "--task", task, "--device", device,
                "--rate", Double.toString(rate), "--batch", Integer.toString(batch), "--seq", Integer.toString(seq),
                "--lr", Float.toString(lr), "--warmup", Double.toString(warmup), "--steps", Integer.toString(steps),
                "--eval-examples", Integer.toString(evalExamples), "--eval-every", Integer.toString(evalEvery),
                "--eval-batch", Integer.toString(evalBatch), "--seed", Long.toString(seed),
                "--checkpoint-every", Integer.toString(checkpointEvery)));
        if (plusRate != null) {
            args.add("--plus-rate");
            args.add(Double.toString(plusRate));
        }
        if (budget != null) {
            args.add("--budget");
            args.add(budget);
        }
        if (releaseStateAfter != null) {
            args.add("--release-state-after");
            args.add(Integer.toString(releaseStateAfter));
        }
        if (data != null) {
            args.add("--data");
            args.add(data.toString());
        }
        if (docStride != null) {
            args.add("--doc-stride");
            args.add(Integer.toString(docStride));
        }
        if (epochs != null) {
            args.add("--epochs");
            args.add(Double.toString(epochs));
        }
        return args;
    }
}
