package dev.slimfit.train.memory;

import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.train.compress.ReferenceCompression;

import java.util.Set;

/**
 * The bytes a BERT encoder layer keeps for backward, from first principles, for a batch of B sequences of S tokens
 * (T = B·S), hidden h, FFN width f and H heads. Every layer input requires grad (biases always train, so everything
 * after the embeddings does), hence the static activations are always kept; the dynamic ones only while their
 * weight trains:
 * <pre>
 *   x (input of Q, K, V)           4·T·h          if any of Wq, Wk, Wv trains
 *   Q, K, V (for QKᵀ and P·V)      3·T·h·q        q = 4 (fp32) or 1 (int8)
 *   P (softmax output)             B·H·S²·p       p = 4 or 1 (uint8); twice in fp32 when dropout hits P in training
 *   context (input of Wo)          4·T·h          if Wo trains
 *   each LayerNorm (2)             4·T·h + 8·T    input + mean + rstd, when its gamma trains or nothing is compressed
 *                                  8·T·k + 4·T    else: top-k x̂ (value + int32 index, k = ⌈0.1·h⌉ per row) + rstd
 *   a (input of W_up)              4·T·h          if W_up trains
 *   GELU input                     T·f·g          g = 4 or ½ (int4)
 *   GELU output (input of W_down)  T·f·d          if W_down trains; d = 4 or 1 (int8)
 * </pre>
 * The ledger must show exactly these numbers per layer; a test checks it for every mode.
 */
public final class BertActivationModel {

    private BertActivationModel() {
    }

    /**
     * @param layerPrefix e.g. {@code bert.encoder.layer.3}
     * @param trained names of the tensors that train this step
     * @param probabilitiesDropped attention dropout applies to P this step (Hugging Face placement, training, p > 0)
     */
    public static long layerBytes(BertConfig config, int batch, int seq, String layerPrefix, Set<String> trained,
                                  boolean compression, boolean probabilitiesDropped) {
        long t = (long) batch * seq;
        long h = config.hiddenSize();
        long f = config.intermediateSize();
        long heads = config.numAttentionHeads();
        long fp32 = Float.BYTES;
        String attention = layerPrefix + ".attention.self.";
        long bytes = 0;
        if (trains(trained, attention + "query") || trains(trained, attention + "key")
                || trains(trained, attention + "value")) {
            bytes += fp32 * t * h;
        }
        long q = compression ? 1 : fp32;
        bytes += 3 * t * h * q;
        long p = compression ? 1 : fp32;
        long probabilities = batch * heads * seq * (long) seq;
        bytes += probabilities * p * (probabilitiesDropped ? 2 : 1);
        if (trains(trained, layerPrefix + ".attention.output.dense")) {
            bytes += fp32 * t * h;
        }
        bytes += layerNormBytes(t, h, trained.contains(layerPrefix + ".attention.output.LayerNorm.weight"),
                compression);
        if (trains(trained, layerPrefix + ".intermediate.dense")) {
            bytes += fp32 * t * h;
        }
        bytes += compression ? t * f / 2 : fp32 * t * f;
        if (trains(trained, layerPrefix + ".output.dense")) {
            bytes += (compression ? 1 : fp32) * t * f;
        }
        bytes += layerNormBytes(t, h, trained.contains(layerPrefix + ".output.LayerNorm.weight"), compression);
        return bytes;
    }

    /**
     * The activation bytes outside the encoder layers of a {@code BertForSequenceClassification} step: the int32
     * ids the embedding tables keep while they train (T each for word and token-type ids, S for positions), the
     * embedding LayerNorm (as a layer's, when a table or its gamma trains), the pooler input [B, h] while its weight trains, the tanh output [B, h], the
     * classifier input [B, h] while its weight trains, and the loss's logits [B, labels] and int32 targets [B].
     */
    public static long outsideLayerBytes(BertConfig config, int batch, int seq, Set<String> trained,
                                         boolean compression) {
        long t = (long) batch * seq;
        long h = config.hiddenSize();
        long fp32 = Float.BYTES;
        long bytes = 0;
        if (trained.contains("bert.embeddings.word_embeddings.weight")) {
            bytes += Integer.BYTES * t;
        }
        if (trained.contains("bert.embeddings.token_type_embeddings.weight")) {
            bytes += Integer.BYTES * t;
        }
        if (trained.contains("bert.embeddings.position_embeddings.weight")) {
            bytes += Integer.BYTES * (long) seq;
        }
        // the embedding LayerNorm's input needs a gradient only if a table trains; with frozen tables and a frozen
        // gamma only beta trains, which needs nothing saved
        boolean inputNeedsGrad = trained.contains("bert.embeddings.word_embeddings.weight")
                || trained.contains("bert.embeddings.token_type_embeddings.weight")
                || trained.contains("bert.embeddings.position_embeddings.weight");
        boolean gammaTrains = trained.contains("bert.embeddings.LayerNorm.weight");
        if (inputNeedsGrad || gammaTrains) {
            bytes += layerNormBytes(t, h, gammaTrains, compression);
        }
        if (trained.contains("bert.pooler.dense.weight")) {
            bytes += fp32 * batch * h;
        }
        bytes += fp32 * batch * h;
        if (trained.contains("classifier.weight")) {
            bytes += fp32 * batch * h;
        }
        bytes += fp32 * batch * config.numLabels() + Integer.BYTES * batch;
        return bytes;
    }

    static long layerNormBytes(long t, long h, boolean gammaTrains, boolean compression) {
        if (gammaTrains || !compression) {
            return Float.BYTES * (t * h + 2 * t);
        }
        long k = (long) Math.ceil(ReferenceCompression.LAYERNORM_KEPT_FRACTION * h);
        return t * k * (Float.BYTES + Integer.BYTES) + Float.BYTES * t;
    }

    private static boolean trains(Set<String> trained, String linear) {
        return trained.contains(linear + ".weight");
    }
}
