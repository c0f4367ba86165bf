package dev.slimfit.model.vit;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Dropout;
import dev.slimfit.model.nn.FeedForward;
import static dev.slimfit.model.nn.Intermediates.at;
import static dev.slimfit.model.nn.Intermediates.consume;
import dev.slimfit.model.nn.LayerNorm;
import dev.slimfit.model.nn.Linear;
import dev.slimfit.model.nn.Module;
import dev.slimfit.model.nn.SelfAttention;

import java.util.SplittableRandom;

/**
 * One pre-LN ViT encoder layer with Hugging Face names: {@code layernorm_before},
 * {@code attention.attention.{query,key,value}}, {@code attention.output.dense}, {@code layernorm_after},
 * {@code intermediate.dense}, {@code output.dense}.
 */
public final class ViTLayer extends Module {

    private final LayerNorm before;
    private final SelfAttention attention;
    private final Linear attentionOutput;
    private final LayerNorm after;
    private final Linear intermediate;
    private final Linear output;
    private final Dropout hiddenDropout;

    ViTLayer(String name, Device device, ViTConfig config, Dropout hiddenDropout, Dropout attentionDropout,
             boolean attentionDropoutOnValues) {
        super(name, device);
        int hidden = config.hiddenSize();
        this.before = child(new LayerNorm(qualify("layernorm_before"), device, hidden, config.layerNormEps()));
        this.attention = child(new SelfAttention(qualify("attention.attention"), device, hidden,
                config.numAttentionHeads(), attentionDropout, attentionDropoutOnValues));
        this.attentionOutput = child(new Linear(qualify("attention.output.dense"), device, hidden, hidden, true));
        this.after = child(new LayerNorm(qualify("layernorm_after"), device, hidden, config.layerNormEps()));
        this.intermediate = child(new Linear(qualify("intermediate.dense"), device, hidden,
                config.intermediateSize(), true));
        this.output = child(new Linear(qualify("output.dense"), device, config.intermediateSize(), hidden, true));
        this.hiddenDropout = hiddenDropout;
    }

    /**
     * The layer's output for input {@code x}, which this closes after its last use (the attention residual) so that
     * it does not sit in the workspace through the MLP block.
     */
    Tensor forwardConsuming(Tensor x) {
        boolean training = isTraining();
        Tensor mid;
        try (x) {
            Tensor normed = before.forward(x);
            Tensor context = consume(normed, t -> attention.forward(t, null));
            Tensor projected = consume(context, attentionOutput::forward);
            Tensor dropped = hiddenDropout.forwardConsuming(projected, training);
            mid = consume(dropped, t -> at(qualify("attention.output"), () -> Ops.add(t, x)));
        }
        try (mid) {
            Tensor normedMid = after.forward(mid);
            Tensor down = consume(normedMid,
                    t -> FeedForward.forward(t, intermediate, output, qualify("intermediate")));
            Tensor droppedDown = hiddenDropout.forwardConsuming(down, training);
            return consume(droppedDown, t -> at(qualify("output"), () -> Ops.add(t, mid)));
        }
    }

    void initialize(double std, SplittableRandom random) {
        before.initialize();
        attention.initialize(std, random);
        attentionOutput.initialize(std, random);
        after.initialize();
        intermediate.initialize(std, random);
        output.initialize(std, random);
    }
}
