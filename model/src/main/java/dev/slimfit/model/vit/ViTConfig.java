package dev.slimfit.model.vit;

/** The fields of a Hugging Face {@code ViTConfig} that define the architecture (camel-cased names). */
public record ViTConfig(
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        float hiddenDropoutProb,
        float attentionProbsDropoutProb,
        double initializerRange,
        float layerNormEps,
        int imageSize,
        int patchSize,
        int numChannels,
        int numLabels) {

    public ViTConfig {
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(numHiddenLayers >= 0, "num_hidden_layers", numHiddenLayers);
        require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
                "num_attention_heads (must divide hidden_size " + hiddenSize + ")", numAttentionHeads);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(layerNormEps > 0, "layer_norm_eps", layerNormEps);
        require(patchSize > 0, "patch_size", patchSize);
        require(imageSize > 0 && imageSize % patchSize == 0, "image_size (must be a multiple of patch_size "
                + patchSize + ")", imageSize);
        require(numChannels > 0, "num_channels", numChannels);
        require(numLabels >= 1, "num_labels", numLabels);
        require(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1, "hidden_dropout_prob", hiddenDropoutProb);
        require(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1, "attention_probs_dropout_prob",
                attentionProbsDropoutProb);
        if (!"gelu".equals(hiddenAct)) {
            throw new IllegalArgumentException("ViTConfig: hidden_act '" + hiddenAct + "' is not supported (only the "
                    + "exact erf 'gelu')");
        }
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("ViTConfig: invalid " + field + " = " + value);
        }
    }

    /** Patches per side. */
    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Patches per image (the sequence length without [CLS]). */
    public int numPatches() {
        return patchesPerSide() * patchesPerSide();
    }

    /** Inputs of the patch projection: channels · patch². */
    public int patchDim() {
        return numChannels * patchSize * patchSize;
    }

    public ViTConfig withNumLabels(int labels) {
        return new ViTConfig(hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, initializerRange, layerNormEps, imageSize, patchSize,
                numChannels, labels);
    }
}
