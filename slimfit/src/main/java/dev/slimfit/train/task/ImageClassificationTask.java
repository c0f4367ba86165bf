package dev.slimfit.train.task;

import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.model.vit.ViTForImageClassification;
import dev.slimfit.train.data.image.ImageDataset;
import dev.slimfit.train.data.image.ImageTransform;
import dev.slimfit.train.freeze.IlsScheduler;
import dev.slimfit.train.metrics.Metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/** Image classification with a ViT: batches of [B, C, H, W] pixels, cross-entropy, accuracy. */
public final class ImageClassificationTask extends CheckpointTask<ViTForImageClassification> {

    private final ImageDataset train;
    private final ImageDataset eval;
    private final ImageTransform transform;

    /**
     * Images are stored as bytes and converted per batch by {@link ImageTransform#forViT} (channels, resize to the
     * model's image size, normalisation).
     */
    public ImageClassificationTask(ViTForImageClassification model, ImageDataset train, ImageDataset eval,
                                   List<String> notFromCheckpoint, String description) {
        super(model, notFromCheckpoint, description);
        var config = model.vit().config();
        if (train.classes().size() > config.numLabels()) {
            throw new IllegalArgumentException(train.source() + " has " + train.classes().size() + " classes but the "
                    + "model's head has " + config.numLabels() + " labels");
        }
        this.train = train;
        this.eval = eval;
        this.transform = ImageTransform.forViT(config);
    }

    private Tensor images(ImageDataset split, int[] indices) {
        int side = transform.imageSize();
        return Tensor.of(model.device(), transform.batch(split, indices), indices.length, transform.channels(), side,
                side);
    }

    public ViTForImageClassification classifier() {
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
        int[] labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            labels[i] = train.label(indices[i]);
        }
        try (Tensor images = images(train, indices); Tensor logits = model.logits(images)) {
            return model.loss(logits, labels);
        }
    }

    @Override
    public Map<String, Double> evaluate(int batchSize, IntConsumer progress) {
        int n = eval.size();
        int classes = model.vit().config().numLabels();
        int[] predicted = new int[n];
        EvaluationLoop.run(model, n, batchSize, progress, (first, indices) -> {
            float[] logits = model.logits(images(eval, indices)).toFloatArray();
            for (int i = 0; i < indices.length; i++) {
                predicted[first + i] = EvaluationLoop.argmax(logits, i, classes);
            }
        });
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", Metrics.accuracy(predicted, eval.labels()));
        return metrics;
    }

    @Override
    public String primaryMetric() {
        return "accuracy";
    }

    @Override
    public double initialMetricScale() {
        return IlsScheduler.VIT_INITIAL_METRIC_SCALE;
    }

    @Override
    public RandomStream dropoutStream() {
        return model.vit().dropoutStream();
    }

}
