package dev.slimfit.train.task;

import dev.slimfit.engine.Tensor;
import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.tokenizer.BatchEncoding;
import dev.slimfit.model.tokenizer.EncodeOptions;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import dev.slimfit.train.freeze.IlsScheduler;
import dev.slimfit.train.metrics.Metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Single-sentence (or sentence-pair) classification with a BERT model: texts are tokenized per batch, truncated and
 * padded to a fixed length, and the loss is cross-entropy over the labels. Metrics: accuracy, F1 and Matthews
 * correlation (binary tasks).
 */
public final class TextClassificationTask extends CheckpointTask<BertForSequenceClassification> {

    /**
     * The texts of one split with integer labels (classification) or float targets (regression, a one-label
     * model); {@code secondTexts} is null for single-sentence tasks.
     */
    public record Split(List<String> texts, List<String> secondTexts, int[] labels, float[] targets) {
        public Split {
            int n = labels != null ? labels.length : targets.length;
            if ((labels == null) == (targets == null)) {
                throw new IllegalArgumentException("a split has either labels or regression targets");
            }
            if (texts.size() != n || (secondTexts != null && secondTexts.size() != n)) {
                throw new IllegalArgumentException("split has " + texts.size() + " texts for " + n + " labels");
            }
        }

        /** A classification split. */
        public Split(List<String> texts, List<String> secondTexts, int[] labels) {
            this(texts, secondTexts, labels, null);
        }

        /** A regression split. */
        public static Split regression(List<String> texts, List<String> secondTexts, float[] targets) {
            return new Split(texts, secondTexts, null, targets);
        }

        public int size() {
            return labels != null ? labels.length : targets.length;
        }
    }

    /** Metrics of the evaluation predictions: argmax labels for classification, scores for regression. */
    @FunctionalInterface
    public interface Evaluator {
        Map<String, Double> evaluate(int[] predictedLabels, double[] predictedScores, Split gold);

        /** Accuracy (and F1, MCC for two classes); Pearson and Spearman for regression. */
        Evaluator DEFAULT = (labels, scores, gold) -> {
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (gold.labels() != null) {
                metrics.put("accuracy", Metrics.accuracy(labels, gold.labels()));
                boolean binary = java.util.Arrays.stream(gold.labels()).allMatch(l -> l == 0 || l == 1);
                if (binary) {
                    metrics.put("f1", Metrics.f1(labels, gold.labels()));
                    metrics.put("mcc", Metrics.matthews(labels, gold.labels()));
                }
            } else {
                double[] targets = new double[gold.targets().length];
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = gold.targets()[i];
                }
                metrics.put("pearson", Metrics.pearson(scores, targets));
                metrics.put("spearman", Metrics.spearman(scores, targets));
            }
            return metrics;
        };
    }

    private final WordPieceTokenizer tokenizer;
    private final Split train;
    private final Split eval;
    private final int sequenceLength;
    private final EncodeOptions options;
    private final Evaluator evaluator;
    private final String primaryMetric;

    public TextClassificationTask(BertForSequenceClassification model, WordPieceTokenizer tokenizer, Split train,
                                  Split eval, int sequenceLength, List<String> notFromCheckpoint, String description) {
        this(model, tokenizer, train, eval, sequenceLength, notFromCheckpoint, description, Evaluator.DEFAULT,
                train.labels() != null ? "accuracy" : "pearson");
    }

    public TextClassificationTask(BertForSequenceClassification model, WordPieceTokenizer tokenizer, Split train,
                                  Split eval, int sequenceLength, List<String> notFromCheckpoint, String description,
                                  Evaluator evaluator, String primaryMetric) {
        super(model, notFromCheckpoint, description);
        if ((train.labels() == null) != (model.numLabels() == 1)) {
            throw new IllegalArgumentException("a regression split needs a one-label model and a classification split "
                    + "a model with several labels (model has " + model.numLabels() + ")");
        }
        this.evaluator = evaluator;
        this.primaryMetric = primaryMetric;
        this.tokenizer = tokenizer;
        this.train = train;
        this.eval = eval;
        this.sequenceLength = sequenceLength;
        EncodeOptions defaults = tokenizer.defaultOptions();
        this.options = defaults.truncatedTo(sequenceLength).withPadding(defaults.padding().toLength(sequenceLength));
        int maxPositions = model.bert().config().maxPositionEmbeddings();
        if (sequenceLength < 2 || sequenceLength > maxPositions) {
            throw new IllegalArgumentException("sequence length " + sequenceLength + " does not fit the model "
                    + "(2 to max_position_embeddings = " + maxPositions + ")");
        }
    }

    private BertBatch batch(Split split, int[] indices) {
        List<String> first = new ArrayList<>(indices.length);
        List<String> second = split.secondTexts() == null ? null : new ArrayList<>(indices.length);
        for (int i : indices) {
            first.add(split.texts().get(i));
            if (second != null) {
                second.add(split.secondTexts().get(i));
            }
        }
        BatchEncoding encoded = second == null ? tokenizer.encodeBatch(first, options)
                : tokenizer.encodePairBatch(first, second, options);
        return new BertBatch(indices.length, encoded.sequenceLength(), encoded.flatIds(), encoded.flatTypeIds(),
                encoded.flatAttentionMask());
    }

    public BertForSequenceClassification classifier() {
        return model;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public int evalSize() {
        return eval.size();
    }

    @Override
    public Tensor loss(int[] indices) {
        try (Tensor logits = model.logits(batch(train, indices))) {
            if (train.targets() != null) {
                float[] targets = new float[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    targets[i] = train.targets()[indices[i]];
                }
                return model.regressionLoss(logits, targets);
            }
            int[] labels = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                labels[i] = train.labels()[indices[i]];
            }
            return model.classificationLoss(logits, labels);
        }
    }

    @Override
    public Map<String, Double> evaluate(int batchSize, IntConsumer progress) {
        int n = eval.size();
        int classes = model.numLabels();
        int[] predicted = new int[n];
        double[] scores = new double[n];
        EvaluationLoop.run(model, n, batchSize, progress, (first, indices) -> {
            float[] logits = model.logits(batch(eval, indices)).toFloatArray();
            for (int i = 0; i < indices.length; i++) {
                scores[first + i] = logits[i * classes];
                predicted[first + i] = EvaluationLoop.argmax(logits, i, classes);
            }
        });
        return evaluator.evaluate(predicted, scores, eval);
    }

    @Override
    public String primaryMetric() {
        return primaryMetric;
    }

    @Override
    public double initialMetricScale() {
        return IlsScheduler.BERT_INITIAL_METRIC_SCALE;
    }

    @Override
    public dev.slimfit.engine.RandomStream dropoutStream() {
        return model.bert().dropoutStream();
    }

}
