package dev.slimfit.model.bert;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Dropout;
import dev.slimfit.model.nn.Linear;
import dev.slimfit.model.nn.Module;

import java.util.SplittableRandom;

/**
 * BERT with a classification head over the pooled output ({@code bert.*}, {@code classifier.*}): cross-entropy
 * over {@code numLabels} classes, or mean squared error for one regression label.
 */
public final class BertForSequenceClassification extends Module {

    /** Targets equal to this are left out of the cross-entropy (as PyTorch's default). */
    public static final int IGNORE_INDEX = -100;

    private final BertModel bert;
    private final Linear classifier;
    private final Dropout dropout;

    public BertForSequenceClassification(Device device, BertConfig config, long seed,
                                         boolean attentionDropoutOnValues) {
        super("", device);
        RandomStream stream = new RandomStream(seed);
        this.bert = child(new BertModel("bert", device, config, stream, true, attentionDropoutOnValues));
        this.classifier = child(new Linear("classifier", device, config.hiddenSize(), config.numLabels(), true));
        this.dropout = new Dropout(config.hiddenDropoutProb(), stream);
    }

    public BertModel bert() {
        return bert;
    }

    public Linear classifier() {
        return classifier;
    }

    public int numLabels() {
        return bert.config().numLabels();
    }

    /** Logits [B, numLabels]. */
    public Tensor logits(BertBatch batch) {
        try (Tensor hidden = bert.forward(batch);
             Tensor pooled = bert.pool(hidden);
             Tensor dropped = dropout.forward(pooled, isTraining())) {
            return classifier.forward(dropped);
        }
    }

    /** Cross-entropy of the logits against int class labels (numLabels > 1). */
    public Tensor classificationLoss(Tensor logits, int[] labels) {
        if (numLabels() == 1) {
            throw new IllegalStateException("a one-label model is a regression model: use regressionLoss");
        }
        try (Names.Entered n = Names.at("loss"); Tensor targets = Tensor.ofInts(device(), labels, labels.length)) {
            return Ops.crossEntropy(logits, targets, IGNORE_INDEX);
        }
    }

    /** Mean squared error of the single logit against float targets (numLabels == 1). */
    public Tensor regressionLoss(Tensor logits, float[] targets) {
        if (numLabels() != 1) {
            throw new IllegalStateException("regressionLoss needs numLabels == 1, the model has " + numLabels());
        }
        try (Names.Entered n = Names.at("loss"); Tensor t = Tensor.of(device(), targets, targets.length, 1)) {
            return Ops.mse(logits, t);
        }
    }

    public void initialize(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        bert.initialize(random);
        classifier.initialize(bert.config().initializerRange(), random);
    }
}
