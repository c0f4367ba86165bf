package dev.slimfit.train.task;

import dev.slimfit.engine.Tensor;
import dev.slimfit.model.nn.Module;
import dev.slimfit.train.compress.ReferenceCompression;

import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * A supervised fine-tuning task as the trainer sees it: a model, training examples addressed by index, the loss of
 * a batch of them, and evaluation. Implementations own the model and data.
 */
public interface Task extends AutoCloseable {

    /** The model being trained (its parameters carry Hugging Face names). */
    Module model();

    /** Number of training examples. */
    int trainSize();

    /** The scalar loss of the training examples at {@code indices}, recorded for backward. */
    Tensor loss(int[] indices);

    /**
     * Evaluates on the evaluation set in batches of {@code batchSize} (with grad disabled) and returns the task's
     * metrics by name; {@code progress} receives the number of examples done after each batch.
     */
    Map<String, Double> evaluate(int batchSize, IntConsumer progress);

    /** Number of evaluation examples. */
    int evalSize();

    /** The metric that decides which run is better, e.g. {@code accuracy}. */
    String primaryMetric();

    /** Parameters that the checkpoint did not provide (initialised at random), e.g. the classification head. */
    List<String> notFromCheckpoint();

    /**
     * Recognises the module path of the FFN down-projection Linear (whose input SlimFit stores as int8); by default
     * BERT's and ViT's {@code ...layer.N.output.dense}.
     */
    default Predicate<String> ffnDownProjection() {
        return ReferenceCompression.BERT_VIT_FFN_DOWN;
    }

    /** The scale of ILS's random initial metric (the reference uses 1e10 for BERT, 1e7 for ViT). */
    double initialMetricScale();

    /** The counter stream of the model's dropout (its position is part of a checkpoint). */
    dev.slimfit.engine.RandomStream dropoutStream();

    /** A one-line description for reports, e.g. "MiniLM-L6 on IMDB (seq 128)". */
    String describe();

    @Override
    void close();
}
