package dev.slimfit.cli;

import dev.slimfit.engine.Device;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.checkpoint.CheckpointFolder;
import dev.slimfit.model.checkpoint.CheckpointLoader;
import dev.slimfit.model.checkpoint.LoadOptions;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.model.vit.ViTForImageClassification;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.data.ImdbSplits;
import dev.slimfit.train.data.RegressionSplit;
import dev.slimfit.train.data.glue.GlueDataset;
import dev.slimfit.train.data.glue.GlueMetric;
import dev.slimfit.train.data.glue.GlueSplit;
import dev.slimfit.train.data.glue.GlueTask;
import dev.slimfit.train.data.image.Cifar;
import dev.slimfit.train.data.image.FashionMnist;
import dev.slimfit.train.data.image.ImageDataset;
import dev.slimfit.train.data.image.ImageFolder;
import dev.slimfit.train.data.image.ImageSplit;
import dev.slimfit.train.data.image.MnistDigits;
import dev.slimfit.train.data.squad.SquadDataset;
import dev.slimfit.train.data.squad.SquadVersion;
import dev.slimfit.train.task.ImageClassificationTask;
import dev.slimfit.train.task.QuestionAnsweringTask;
import dev.slimfit.train.task.Task;
import dev.slimfit.train.task.TextClassificationTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --task} choices: {@code imdb} (built in), the GLUE tasks ({@code cola, sst2, mrpc, stsb, qqp, mnli,
 * mnli-mm, qnli, rte, wnli}) from a {@code --data} folder of the official TSVs, and image classification with a ViT
 * checkpoint: {@code mnist} (built in), {@code fashion-mnist} (built in), {@code cifar10}/{@code cifar100} from the
 * binary batches and {@code images} from a folder with {@code train/} and {@code test/} sub-folders of class folders.
 */
public final class TaskFactory {

    /** Rate used for IMDB when none is given (the reference's setting for long-review sentiment at our budget). */
    public static final double IMDB_DEFAULT_RATE = 0.8;
    /** The reference's rate for SQuAD 2.0, used for v1.1 too. */
    public static final double SQUAD_DEFAULT_RATE = 0.8;
    /** run_qa's (and the reference's) document stride. */
    public static final int SQUAD_DEFAULT_DOC_STRIDE = 128;

    /** The reference rates for ViT: CIFAR-10 0.9, CIFAR-100 0.75; MNIST-like tasks use CIFAR-10's. */
    public static final double VIT_CIFAR10_RATE = 0.9;
    public static final double VIT_CIFAR100_RATE = 0.75;

    private TaskFactory() {
    }

    /** Whether {@code task} is an image task (it needs a ViT checkpoint). */
    public static boolean isImageTask(String task) {
        return switch (task) {
            case "mnist", "fashion-mnist", "cifar10", "cifar100", "images" -> true;
            default -> false;
        };
    }

    /** The SQuAD release of a task name, or null when it is not a SQuAD task. */
    static SquadVersion squadVersion(String task) {
        return switch (task) {
            case "squad" -> SquadVersion.V1_1;
            case "squad2" -> SquadVersion.V2_0;
            default -> null;
        };
    }

    /** The official file names of a release's split, e.g. train-v1.1.json, dev-v2.0.json. */
    static Path squadFile(Path data, SquadVersion version, String split) {
        return data.resolve(split + (version == SquadVersion.V1_1 ? "-v1.1.json" : "-v2.0.json"));
    }

    /** Checks the task name and that its data argument is present; returns the default freezing rate. */
    public static double validate(String task, Path data) {
        if (task.equals("imdb")) {
            return IMDB_DEFAULT_RATE;
        }
        SquadVersion squad = squadVersion(task);
        if (squad != null) {
            if (data == null) {
                throw new IllegalArgumentException("--task " + task + " needs --data (the folder with "
                        + squadFile(Path.of(""), squad, "train") + " and " + squadFile(Path.of(""), squad, "dev") + ")");
            }
            return SQUAD_DEFAULT_RATE;
        }
        if (isImageTask(task)) {
            if ((task.equals("cifar10") || task.equals("cifar100") || task.equals("images")) && data == null) {
                throw new IllegalArgumentException("--task " + task + " needs --data (the folder with its files)");
            }
            return task.equals("cifar100") ? VIT_CIFAR100_RATE : VIT_CIFAR10_RATE;
        }
        GlueTask glue;
        try {
            glue = GlueTask.byName(task);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task '" + task + "'; expected imdb, a GLUE task (cola, sst2, "
                    + "mrpc, stsb, qqp, mnli, mnli-mm, qnli, rte, wnli), squad, squad2, mnist, fashion-mnist, cifar10, cifar100 or "
                    + "images");
        }
        if (data == null) {
            throw new IllegalArgumentException("--task " + task + " needs --data (the GLUE folder with "
                    + glue.folderName() + "/train.tsv)");
        }
        return glue.defaultFreezingRate();
    }

    public static Task create(FinetuneOptions o, MethodOptions method, Device device) throws IOException {
        if (o.task.equals("imdb")) {
            TextClassificationTask.Split[] splits = ImdbSplits.load(o.evalExamples);
            return text(o, method, device, splits[0], splits[1], 2, "IMDB", TextClassificationTask.Evaluator.DEFAULT,
                    "accuracy");
        }
        if (isImageTask(o.task)) {
            return image(o, method, device);
        }
        SquadVersion squad = squadVersion(o.task);
        if (squad != null) {
            return questionAnswering(o, method, device, squad);
        }
        GlueTask glue = GlueTask.byName(o.task);
        GlueDataset data = glue.load(o.data);
        TextClassificationTask.Split train = split(data.train());
        TextClassificationTask.Split dev = split(data.dev());
        TextClassificationTask.Evaluator evaluator = (labels, scores, gold) -> gold.labels() != null
                ? glue.evaluate(labels, gold.labels()) : glue.evaluate(scores, toDoubles(gold.targets()));
        return text(o, method, device, train, dev, glue.isRegression() ? 1 : glue.numLabels(), glue.displayName(),
                evaluator, glue.primaryMetric().reportName());
    }

    private static TextClassificationTask.Split split(GlueSplit split) {
        if (split.isRegression()) {
            RegressionSplit r = split.regression();
            return TextClassificationTask.Split.regression(r.texts(), r.secondTexts(), r.targets());
        }
        return split.classification();
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static Task text(FinetuneOptions o, MethodOptions method, Device device, TextClassificationTask.Split train,
                             TextClassificationTask.Split eval, int labels, String dataName,
                             TextClassificationTask.Evaluator evaluator, String primaryMetric) throws IOException {
        PretrainedBert.Loaded<BertForSequenceClassification> loaded = PretrainedBert.classifier(o.model, device, labels, o.seed,
                method.attentionDropoutOnValues());
        String description = String.format(Locale.ROOT, "%s on %s (%d train / %d eval, seq %d)", loaded.description(),
                dataName, train.size(), eval.size(), o.seq);
        try {
            return new TextClassificationTask(loaded.model(), loaded.tokenizer(), train, eval, o.seq,
                    loaded.notLoaded(), description, evaluator, primaryMetric);
        } catch (RuntimeException e) {
            loaded.model().close();
            throw e;
        }
    }

    private static Task questionAnswering(FinetuneOptions o, MethodOptions method, Device device,
                                          SquadVersion version) throws IOException {
        SquadDataset train = SquadDataset.load(squadFile(o.data, version, "train"));
        SquadDataset dev = SquadDataset.load(squadFile(o.data, version, "dev"));
        for (SquadDataset file : new SquadDataset[] {train, dev}) {
            if (file.version() != version) {
                throw new IllegalArgumentException(file.file() + " is SQuAD " + file.version() + ", but --task "
                        + o.task + " reads " + version);
            }
        }
        PretrainedBert.Loaded<BertForQuestionAnswering> loaded = PretrainedBert.questionAnswering(o.model, device, o.seed,
                method.attentionDropoutOnValues());
        String description = String.format(Locale.ROOT, "%s on SQuAD %s (%d train / %d eval questions, seq %d, "
                + "stride %d)", loaded.description(), version == SquadVersion.V1_1 ? "v1.1" : "v2.0", train.size(), Math.min(o.evalExamples, dev.size()),
                o.seq, o.docStride());
        try {
            return new QuestionAnsweringTask(loaded.model(), loaded.tokenizer(), train, dev, o.evalExamples, o.seq,
                    o.docStride(), loaded.notLoaded(), description);
        } catch (RuntimeException e) {
            loaded.model().close();
            throw e;
        }
    }

    private static Task image(FinetuneOptions o, MethodOptions method, Device device) throws IOException {
        ImageDataset train;
        ImageDataset test;
        switch (o.task) {
            case "mnist" -> {
                ImageSplit split = MnistDigits.split(MnistDigits.load(), MnistDigits.DEFAULT_TEST_SIZE);
                train = split.train();
                test = split.test();
            }
            case "fashion-mnist" -> {
                train = FashionMnist.load(true);
                test = FashionMnist.load(false);
            }
            case "cifar10" -> {
                train = Cifar.cifar10(o.data, true);
                test = Cifar.cifar10(o.data, false);
            }
            case "cifar100" -> {
                train = Cifar.cifar100(o.data, true, Cifar.Cifar100Labels.FINE);
                test = Cifar.cifar100(o.data, false, Cifar.Cifar100Labels.FINE);
            }
            default -> {
                ViTConfig config = CheckpointFolder.readVitConfig(Path.of(o.model));
                train = ImageFolder.read(o.data.resolve("train"), config.imageSize());
                test = ImageFolder.read(o.data.resolve("test"), config.imageSize());
            }
        }
        if (o.model.equals("minilm") || !Files.isDirectory(Path.of(o.model))) {
            throw new IllegalArgumentException("--task " + o.task + " needs --model <ViT checkpoint folder> (e.g. the "
                    + "output of 'slimfit pretrain')");
        }
        Path folder = Path.of(o.model);
        ViTConfig config = CheckpointFolder.readVitConfig(folder).withNumLabels(train.classes().size());
        ViTForImageClassification model = new ViTForImageClassification(device, config, o.seed,
                method.attentionDropoutOnValues());
        try {
            model.initialize(o.seed);
            // the body comes from the checkpoint; a new task gets a new head (its classes differ)
            LoadReport report = CheckpointLoader.load(model.vit(), "vit",
                    folder.resolve(CheckpointFolder.WEIGHTS_FILE), LoadOptions.LENIENT);
            List<String> notLoaded = new java.util.ArrayList<>(report.missing());
            notLoaded.add("classifier.weight");
            notLoaded.add("classifier.bias");
            String description = String.format(Locale.ROOT, "ViT %s on %s (%d train / %d test images)", folder,
                    o.task, train.size(), Math.min(test.size(), o.evalExamples));
            ImageDataset eval = test.size() > o.evalExamples ? test.subset(firstIndices(o.evalExamples),
                    test.source() + " (first " + o.evalExamples + ")") : test;
            return new ImageClassificationTask(model, train, eval, notLoaded, description);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static int[] firstIndices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
