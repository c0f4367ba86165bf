package dev.slimfit.train.data.glue;

import dev.slimfit.train.data.DataFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The nine GLUE tasks (MNLI with its matched and mismatched dev sets) as distributed by the GLUE benchmark: where
 * each file keeps its texts and labels, the label names in index order (the order of the Hugging Face datasets'
 * GLUE builder, so label indices agree with models fine-tuned there), the metrics GLUE reports, and SlimFit's
 * freezing rate for the task.
 *
 * <p>Freezing rates are the reference's (notes/slimfit-reference.md). WNLI has none there (the paper, like BERT's,
 * leaves it out); it gets RTE's 0.90, the rate of the other small sentence-pair entailment set.
 */
public enum GlueTask {
    COLA("CoLA", "CoLA", "dev.tsv", ColumnLayout.headerless(4, 3, 1), List.of("unacceptable", "acceptable"),
            List.of(GlueMetric.MATTHEWS), 0.90),
    SST2("SST-2", "SST-2", "dev.tsv", ColumnLayout.named("sentence", null, "label"), List.of("negative", "positive"),
            List.of(GlueMetric.ACCURACY), 0.95),
    MRPC("MRPC", "MRPC", "dev.tsv", ColumnLayout.named("#1 String", "#2 String", "Quality"),
            List.of("not_equivalent", "equivalent"), List.of(GlueMetric.F1, GlueMetric.ACCURACY), 0.90),
    STSB("STS-B", "STS-B", "dev.tsv", ColumnLayout.named("sentence1", "sentence2", "score"), List.of(),
            List.of(GlueMetric.PEARSON, GlueMetric.SPEARMAN), 0.85),
    QQP("QQP", "QQP", "dev.tsv", ColumnLayout.named("question1", "question2", "is_duplicate"),
            List.of("not_duplicate", "duplicate"), List.of(GlueMetric.F1, GlueMetric.ACCURACY), 0.80),
    MNLI_MATCHED("MNLI-m", "MNLI", "dev_matched.tsv", ColumnLayout.named("sentence1", "sentence2", "gold_label"),
            List.of("entailment", "neutral", "contradiction"), List.of(GlueMetric.ACCURACY), 0.80),
    MNLI_MISMATCHED("MNLI-mm", "MNLI", "dev_mismatched.tsv",
            ColumnLayout.named("sentence1", "sentence2", "gold_label"),
            List.of("entailment", "neutral", "contradiction"), List.of(GlueMetric.ACCURACY), 0.80),
    QNLI("QNLI", "QNLI", "dev.tsv", ColumnLayout.named("question", "sentence", "label"),
            List.of("entailment", "not_entailment"), List.of(GlueMetric.ACCURACY), 0.95),
    RTE("RTE", "RTE", "dev.tsv", ColumnLayout.named("sentence1", "sentence2", "label"),
            List.of("entailment", "not_entailment"), List.of(GlueMetric.ACCURACY), 0.90),
    WNLI("WNLI", "WNLI", "dev.tsv", ColumnLayout.named("sentence1", "sentence2", "label"),
            List.of("not_entailment", "entailment"), List.of(GlueMetric.ACCURACY), 0.90);

    /** Every task's training file. */
    public static final String TRAIN_FILE = "train.tsv";

    private final String displayName;
    private final String folderName;
    private final String devFile;
    private final ColumnLayout layout;
    private final List<String> labelNames;
    private final List<GlueMetric> metrics;
    private final double defaultFreezingRate;

    GlueTask(String displayName, String folderName, String devFile, ColumnLayout layout, List<String> labelNames,
             List<GlueMetric> metrics, double defaultFreezingRate) {
        this.displayName = displayName;
        this.folderName = folderName;
        this.devFile = devFile;
        this.layout = layout;
        this.labelNames = labelNames;
        this.metrics = metrics;
        this.defaultFreezingRate = defaultFreezingRate;
    }

    /** The task by its name, ignoring case and punctuation: "cola", "SST-2", "sst2", "mnli-mm", "stsb". */
    public static GlueTask byName(String name) {
        String wanted = simplify(name);
        for (GlueTask task : values()) {
            if (simplify(task.displayName).equals(wanted) || simplify(task.name()).equals(wanted)) {
                return task;
            }
        }
        if (wanted.equals("mnli")) {
            return MNLI_MATCHED;
        }
        throw new IllegalArgumentException("unknown GLUE task '" + name + "'; known: cola, sst2, mrpc, stsb, qqp, "
                + "mnli (matched dev set), mnli-mm (mismatched), qnli, rte, wnli");
    }

    private static String simplify(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    public String displayName() {
        return displayName;
    }

    /** The task's folder in the GLUE download (e.g. {@code SST-2}); MNLI's two variants share one. */
    public String folderName() {
        return folderName;
    }

    public String devFileName() {
        return devFile;
    }

    /** Label names by index; empty for STS-B, whose target is a similarity score in [0, 5]. */
    public List<String> labelNames() {
        return labelNames;
    }

    public int numLabels() {
        return isRegression() ? 1 : labelNames.size();
    }

    public boolean isRegression() {
        return labelNames.isEmpty();
    }

    public boolean isSentencePair() {
        return layout.pairs();
    }

    /** The metrics GLUE reports for the task; the first is the one that ranks runs. */
    public List<GlueMetric> metrics() {
        return metrics;
    }

    public GlueMetric primaryMetric() {
        return metrics.getFirst();
    }

    /** SlimFit's freezing rate for this task (the fraction of candidate tensors frozen each iteration). */
    public double defaultFreezingRate() {
        return defaultFreezingRate;
    }

    ColumnLayout layout() {
        return layout;
    }

    /** Reads the train and dev files; any malformed row is an error naming its file and line. */
    public GlueDataset load(Path folder) throws IOException {
        return load(folder, MalformedRows.REJECT);
    }

    /**
     * Reads the train and dev files from {@code folder}, which is either the task's folder (holding
     * {@code train.tsv}) or the GLUE root that holds it as {@link #folderName()}.
     */
    public GlueDataset load(Path folder, MalformedRows malformedRows) throws IOException {
        Path taskFolder = locate(folder);
        return new GlueDataset(this, GlueFileReader.read(this, taskFolder.resolve(TRAIN_FILE), malformedRows),
                GlueFileReader.read(this, taskFolder.resolve(devFile), malformedRows));
    }

    private Path locate(Path folder) throws DataFileException {
        if (Files.isRegularFile(folder.resolve(TRAIN_FILE))) {
            return folder;
        }
        Path nested = folder.resolve(folderName);
        if (Files.isRegularFile(nested.resolve(TRAIN_FILE))) {
            return nested;
        }
        throw DataFileException.inFile(folder.resolve(TRAIN_FILE), "no such file, nor " + nested.resolve(TRAIN_FILE)
                + ": give the " + displayName + " folder of the GLUE data (with " + TRAIN_FILE + " and " + devFile
                + ") or the folder that holds " + folderName + "/");
    }

    /** This task's metrics of predicted label indices against gold ones, by report name. */
    public Map<String, Double> evaluate(int[] predicted, int[] gold) {
        requireClassification();
        Map<String, Double> values = new LinkedHashMap<>();
        for (GlueMetric metric : metrics) {
            values.put(metric.reportName(), metric.of(predicted, gold));
        }
        return values;
    }

    /** This task's metrics of predicted scores against gold ones (STS-B), by report name. */
    public Map<String, Double> evaluate(double[] predicted, double[] gold) {
        if (!isRegression()) {
            throw new IllegalStateException(displayName + " is a classification task: evaluate label indices");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (GlueMetric metric : metrics) {
            values.put(metric.reportName(), metric.of(predicted, gold));
        }
        return values;
    }

    private void requireClassification() {
        if (isRegression()) {
            throw new IllegalStateException(displayName + " is a regression task: evaluate scores");
        }
    }
}
