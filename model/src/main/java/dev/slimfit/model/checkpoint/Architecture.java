package dev.slimfit.model.checkpoint;

import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.nn.Module;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.model.vit.ViTForImageClassification;
import dev.slimfit.model.vit.ViTModel;

/**
 * The model classes this project shares with Hugging Face: the class name written to config.json's
 * {@code "architectures"}, its {@code "model_type"}, and the base-model prefix under which a task model holds its
 * encoder ({@code bert.}, {@code vit.}), which decides how checkpoints of base and task models load into each other.
 */
public enum Architecture {
    BERT_MODEL("BertModel", "bert"),
    BERT_FOR_SEQUENCE_CLASSIFICATION("BertForSequenceClassification", "bert"),
    BERT_FOR_QUESTION_ANSWERING("BertForQuestionAnswering", "bert"),
    VIT_MODEL("ViTModel", "vit"),
    VIT_FOR_IMAGE_CLASSIFICATION("ViTForImageClassification", "vit");

    private final String className;
    private final String modelType;

    Architecture(String className, String modelType) {
        this.className = className;
        this.modelType = modelType;
    }

    /** The Hugging Face class name, as in config.json's "architectures". */
    public String className() {
        return className;
    }

    /** config.json's "model_type": {@code bert} or {@code vit}. */
    public String modelType() {
        return modelType;
    }

    /** The attribute under which Hugging Face's task models hold the encoder; it equals the model type here. */
    public String basePrefix() {
        return modelType;
    }

    public boolean isBert() {
        return modelType.equals("bert");
    }

    /** The architecture of one of this project's models. */
    public static Architecture of(Module model) {
        return switch (model) {
            case BertModel _ -> BERT_MODEL;
            case BertForSequenceClassification _ -> BERT_FOR_SEQUENCE_CLASSIFICATION;
            case BertForQuestionAnswering _ -> BERT_FOR_QUESTION_ANSWERING;
            case ViTModel _ -> VIT_MODEL;
            case ViTForImageClassification _ -> VIT_FOR_IMAGE_CLASSIFICATION;
            default -> throw new IllegalArgumentException("no Hugging Face architecture for "
                    + model.getClass().getName());
        };
    }

    /** The architecture named {@code className}, or null. */
    public static Architecture byClassName(String className) {
        for (Architecture a : values()) {
            if (a.className.equals(className)) {
                return a;
            }
        }
        return null;
    }

    /** The BERT configuration a BERT model was built with. */
    public static BertConfig bertConfigOf(Module model) {
        return switch (model) {
            case BertModel m -> m.config();
            case BertForSequenceClassification m -> m.bert().config();
            case BertForQuestionAnswering m -> m.bert().config();
            default -> throw new IllegalArgumentException(model.getClass().getSimpleName() + " is not a BERT model");
        };
    }

    /** The ViT configuration a ViT model was built with. */
    public static ViTConfig vitConfigOf(Module model) {
        return switch (model) {
            case ViTModel m -> m.config();
            case ViTForImageClassification m -> m.vit().config();
            default -> throw new IllegalArgumentException(model.getClass().getSimpleName() + " is not a ViT model");
        };
    }
}
