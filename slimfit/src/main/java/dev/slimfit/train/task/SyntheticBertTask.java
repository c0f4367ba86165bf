package dev.slimfit.train.task;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Tensor;
import dev.slimfit.model.bert.BertBatch;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.nn.Module;
import dev.slimfit.train.freeze.IlsScheduler;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Random token sequences with random labels for a randomly initialised BERT of any configuration: no data needed,
 * for measuring memory and time of training steps. Example {@code i} is a pure function of (seed, i); the sequence
 * length can change between steps (e.g. short warm-up steps, then one measured step at full size).
 */
public final class SyntheticBertTask implements Task {

    /** Virtual training examples (any index below this is an example). */
    public static final int VIRTUAL_SIZE = 1 << 30;

    private final BertForSequenceClassification model;
    private final BertConfig config;
    private final long seed;
    private int sequenceLength;

    public SyntheticBertTask(Device device, BertConfig config, long seed, int sequenceLength,
                             boolean attentionDropoutOnValues) {
        this.config = config;
        this.seed = seed;
        this.model = new BertForSequenceClassification(device, config, seed, attentionDropoutOnValues);
        this.model.initialize(seed);
        sequenceLength(sequenceLength);
    }

    /** Changes the length of the sequences of the following steps. */
    public void sequenceLength(int length) {
        if (length < 2 || length > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + length + " does not fit max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        this.sequenceLength = length;
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public int trainSize() {
        return VIRTUAL_SIZE;
    }

    @Override
    public Tensor loss(int[] indices) {
        int batch = indices.length;
        int seq = sequenceLength;
        int[] ids = new int[batch * seq];
        int[] types = new int[batch * seq];
        int[] mask = new int[batch * seq];
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            SplittableRandom random = new SplittableRandom(seed ^ (indices[b] * 0x9E3779B97F4A7C15L));
            labels[b] = random.nextInt(config.numLabels());
            for (int s = 0; s < seq; s++) {
                ids[b * seq + s] = random.nextInt(config.vocabSize());
                mask[b * seq + s] = 1;
            }
        }
        try (Tensor logits = model.logits(new BertBatch(batch, seq, ids, types, mask))) {
            return model.classificationLoss(logits, labels);
        }
    }

    @Override
    public Map<String, Double> evaluate(int batchSize, IntConsumer progress) {
        return Map.of();
    }

    @Override
    public int evalSize() {
        return 0;
    }

    @Override
    public String primaryMetric() {
        return "none";
    }

    @Override
    public List<String> notFromCheckpoint() {
        return List.of("bert.pooler.dense.weight", "classifier.weight");
    }


    @Override
    public double initialMetricScale() {
        return IlsScheduler.BERT_INITIAL_METRIC_SCALE;
    }

    @Override
    public dev.slimfit.engine.RandomStream dropoutStream() {
        return model.bert().dropoutStream();
    }

    @Override
    public String describe() {
        return "random BERT " + config.numHiddenLayers() + "x" + config.hiddenSize() + " on random tokens";
    }

    @Override
    public void close() {
        model.close();
    }
}
