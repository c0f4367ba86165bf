package dev.slimfit.train.task;

import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import dev.slimfit.train.data.squad.SquadAnswerSelection;
import dev.slimfit.train.data.squad.SquadDataset;
import dev.slimfit.train.data.squad.SquadExample;
import dev.slimfit.train.data.squad.SquadFeature;
import dev.slimfit.train.data.squad.SquadFeatures;
import dev.slimfit.train.data.squad.SquadScoring;
import dev.slimfit.train.freeze.IlsScheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Extractive question answering (SQuAD v1.1 / v2.0) with a BERT model: training examples are the features (windows
 * of the contexts, {@link SquadFeatures}) with their start/end labels; evaluation runs every feature of the evaluation
 * questions, picks each question's answer over its windows ({@link SquadAnswerSelection}) and scores the answers
 * with the official exact match and F1 ({@link SquadScoring}).
 */
public final class QuestionAnsweringTask extends CheckpointTask<BertForQuestionAnswering> {

    private static final double PERCENT = 100;

    private final SquadDataset evalSet;
    private final List<SquadExample> evalExamples;
    private final List<SquadFeature> trainFeatures;
    private final List<SquadFeature> evalFeatures;
    private final SquadAnswerSelection selection = SquadAnswerSelection.defaults();

    /**
     * @param evalQuestions how many of the evaluation file's questions to score (its first ones)
     */
    public QuestionAnsweringTask(BertForQuestionAnswering model, WordPieceTokenizer tokenizer, SquadDataset train,
                                 SquadDataset eval, int evalQuestions, int maxLength, int docStride,
                                 List<String> notFromCheckpoint, String description) {
        super(model, notFromCheckpoint, description);
        int maxPositions = model.bert().config().maxPositionEmbeddings();
        if (maxLength > maxPositions) {
            throw new IllegalArgumentException("sequence length " + maxLength + " does not fit the model "
                    + "(max_position_embeddings = " + maxPositions + ")");
        }
        if (train.version() != eval.version()) {
            throw new IllegalArgumentException("SQuAD files of different releases: " + train.file() + " is "
                    + train.version() + ", " + eval.file() + " is " + eval.version());
        }
        SquadFeatures features = new SquadFeatures(tokenizer, maxLength, docStride);
        this.evalSet = eval;
        this.evalExamples = eval.examples().subList(0, Math.min(evalQuestions, eval.size()));
        this.trainFeatures = features.of(train.examples());
        this.evalFeatures = features.of(evalExamples);
    }

    private static BertBatch batch(List<SquadFeature> features, int[] indices) {
        int seq = features.get(indices[0]).length();
        int[] ids = new int[indices.length * seq];
        int[] types = new int[ids.length];
        int[] mask = new int[ids.length];
        for (int b = 0; b < indices.length; b++) {
            SquadFeature f = features.get(indices[b]);
            System.arraycopy(f.ids(), 0, ids, b * seq, seq);
            System.arraycopy(f.typeIds(), 0, types, b * seq, seq);
            System.arraycopy(f.attentionMask(), 0, mask, b * seq, seq);
        }
        return new BertBatch(indices.length, seq, ids, types, mask);
    }

    /** Training examples are features: a long context gives several. */
    @Override
    public int trainSize() {
        return trainFeatures.size();
    }

    /** Evaluation is counted in questions (each may span several features). */
    @Override
    public int evalSize() {
        return evalExamples.size();
    }

    @Override
    public Tensor loss(int[] indices) {
        int[] starts = new int[indices.length];
        int[] ends = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            starts[i] = trainFeatures.get(indices[i]).startPosition();
            ends[i] = trainFeatures.get(indices[i]).endPosition();
        }
        Tensor[] logits = model.logits(batch(trainFeatures, indices));
        try (Tensor start = logits[0]; Tensor end = logits[1]) {
            return model.loss(logits, starts, ends);
        }
    }

    /**
     * Exact match and F1 ({@code exact}, {@code f1}) as fractions like the other tasks' metrics (the official script's
     * percent / 100), and for SQuAD 2.0 the F1 over answerable and unanswerable questions apart.
     */
    @Override
    public Map<String, Double> evaluate(int batchSize, IntConsumer progress) {
        List<float[]> startLogits = new ArrayList<>(evalFeatures.size());
        List<float[]> endLogits = new ArrayList<>(evalFeatures.size());
        // progress counts questions: a question is done once its last feature is
        EvaluationLoop.run(model, evalFeatures.size(), batchSize,
                featuresDone -> progress.accept(evalFeatures.get(featuresDone - 1).exampleIndex() + 1),
                (first, indices) -> {
                    Tensor[] logits = model.logits(batch(evalFeatures, indices));
                    float[] start = logits[0].toFloatArray();
                    float[] end = logits[1].toFloatArray();
                    int seq = start.length / indices.length;
                    for (int i = 0; i < indices.length; i++) {
                        startLogits.add(Arrays.copyOfRange(start, i * seq, (i + 1) * seq));
                        endLogits.add(Arrays.copyOfRange(end, i * seq, (i + 1) * seq));
                    }
                });
        Map<String, String> predictions = new HashMap<>();
        int f = 0;
        for (int e = 0; e < evalExamples.size(); e++) {
            int from = f;
            while (f < evalFeatures.size() && evalFeatures.get(f).exampleIndex() == e) {
                f++;
            }
            SquadExample example = evalExamples.get(e);
            predictions.put(example.id(), selection.answer(example, evalFeatures.subList(from, f),
                    startLogits.subList(from, f), endLogits.subList(from, f), evalSet.version()));
        }
        SquadScoring.Result result = SquadScoring.evaluate(evalExamples, predictions, evalSet.version());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("exact", result.exactMatch() / PERCENT);
        metrics.put("f1", result.f1() / PERCENT);
        if (result.noAnswer().count() > 0) {
            metrics.put("hasAns_f1", result.hasAnswer().f1() / PERCENT);
            metrics.put("noAns_f1", result.noAnswer().f1() / PERCENT);
        }
        return metrics;
    }

    @Override
    public String primaryMetric() {
        return "f1";
    }

    @Override
    public double initialMetricScale() {
        return IlsScheduler.BERT_INITIAL_METRIC_SCALE;
    }

    @Override
    public RandomStream dropoutStream() {
        return model.bert().dropoutStream();
    }

}
