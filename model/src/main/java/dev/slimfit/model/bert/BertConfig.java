package dev.slimfit.model.bert;

/**
 * The fields of a Hugging Face {@code BertConfig} that define the architecture, with the same meanings and names
 * (in camel case). {@code numLabels} sizes a classification head; 1 means regression (MSE).
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        float hiddenDropoutProb,
        float attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        float layerNormEps,
        double initializerRange,
        int numLabels) {

    public BertConfig {
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(numHiddenLayers >= 0, "num_hidden_layers", numHiddenLayers);
        require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0, "num_attention_heads (must divide "
                + "hidden_size " + hiddenSize + ")", numAttentionHeads);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings);
        require(typeVocabSize > 0, "type_vocab_size", typeVocabSize);
        require(layerNormEps > 0, "layer_norm_eps", layerNormEps);
        require(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1, "hidden_dropout_prob", hiddenDropoutProb);
        require(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1, "attention_probs_dropout_prob",
                attentionProbsDropoutProb);
        require(numLabels >= 1, "num_labels", numLabels);
        if (!"gelu".equals(hiddenAct)) {
            throw new IllegalArgumentException("BertConfig: hidden_act '" + hiddenAct + "' is not supported (only the "
                    + "exact erf 'gelu')");
        }
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("BertConfig: invalid " + field + " = " + value);
        }
    }

    /** BERT-base uncased: 12 layers, hidden 768, 12 heads, FFN 3072, vocab 30522. */
    public static BertConfig base(int numLabels) {
        return new BertConfig(30522, 768, 12, 12, 3072, "gelu", 0.1f, 0.1f, 512, 2, 1e-12f, 0.02, numLabels);
    }

    /** all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads of 32, FFN 1536, vocab 30522. */
    public static BertConfig miniLmL6(int numLabels) {
        return new BertConfig(30522, 384, 6, 12, 1536, "gelu", 0.1f, 0.1f, 512, 2, 1e-12f, 0.02, numLabels);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    public BertConfig withNumLabels(int labels) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, layerNormEps,
                initializerRange, labels);
    }

    public BertConfig withDropout(float hidden, float attention) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hidden, attention, maxPositionEmbeddings, typeVocabSize, layerNormEps, initializerRange, numLabels);
    }
}
