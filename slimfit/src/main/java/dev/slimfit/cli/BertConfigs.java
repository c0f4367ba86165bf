package dev.slimfit.cli;

import dev.slimfit.model.bert.BertConfig;

/** Named BERT configurations for commands that need no weights ({@code memory}). */
public final class BertConfigs {

    private BertConfigs() {
    }

    /** {@code bert-base}, {@code bert-large}, {@code minilm} (all-MiniLM-L6-v2's shape). */
    public static BertConfig named(String name, int numLabels) {
        return switch (name) {
            case "bert-base" -> BertConfig.base(numLabels);
            case "bert-large" -> new BertConfig(30522, 1024, 24, 16, 4096, "gelu", 0.1f, 0.1f, 512, 2, 1e-12f, 0.02,
                    numLabels);
            case "minilm" -> BertConfig.miniLmL6(numLabels);
            default -> throw new IllegalArgumentException("unknown model configuration '" + name
                    + "'; expected bert-base, bert-large or minilm");
        };
    }
}
