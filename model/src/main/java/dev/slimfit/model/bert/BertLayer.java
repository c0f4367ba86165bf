package dev.slimfit.model.bert;

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
 * One post-LN BERT encoder layer with Hugging Face names: {@code attention.self.{query,key,value}},
 * {@code attention.output.{dense,LayerNorm}}, {@code intermediate.dense}, {@code output.{dense,LayerNorm}}.
 */
public final class BertLayer extends Module {

    private final SelfAttention attention;
    private final Linear attentionOutput;
    private final LayerNorm attentionLayerNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputLayerNorm;
    private final Dropout hiddenDropout;

    BertLayer(String name, Device device, BertConfig config, Dropout hiddenDropout, Dropout attentionDropout,
              boolean attentionDropoutOnValues) {
        super(name, device);
        int hidden = config.hiddenSize();
        this.attention = child(new SelfAttention(qualify("attention.self"), device, hidden,
                config.numAttentionHeads(), attentionDropout, attentionDropoutOnValues));
        this.attentionOutput = child(new Linear(qualify("attention.output.dense"), device, hidden, hidden, true));
        this.attentionLayerNorm = child(new LayerNorm(qualify("attention.output.LayerNorm"), device, hidden,
                config.layerNormEps()));
        this.intermediate = child(new Linear(qualify("intermediate.dense"), device, hidden,
                config.intermediateSize(), true));
        this.output = child(new Linear(qualify("output.dense"), device, config.intermediateSize(), hidden, true));
        this.outputLayerNorm = child(new LayerNorm(qualify("output.LayerNorm"), device, hidden,
                config.layerNormEps()));
        this.hiddenDropout = hiddenDropout;
    }

    /**
     * The layer's output for input {@code x}, which this closes after its last use (the attention residual); the
     * feed-forward block's input is closed likewise after its residual, so that neither sits in the workspace through
     * the LayerNorm that follows.
     */
    Tensor forwardConsuming(Tensor x, Tensor additiveMask) {
        boolean training = isTraining();
        Tensor residual;
        try (x) {
            Tensor context = attention.forward(x, additiveMask);
            Tensor projected = consume(context, attentionOutput::forward);
            Tensor dropped = hiddenDropout.forwardConsuming(projected, training);
            residual = consume(dropped, t -> at(qualify("attention.output"), () -> Ops.add(t, x)));
        }
        Tensor attended = consume(residual, attentionLayerNorm::forward);
        Tensor outputResidual;
        try (attended) {
            Tensor down = FeedForward.forward(attended, intermediate, output, qualify("intermediate"));
            Tensor droppedDown = hiddenDropout.forwardConsuming(down, training);
            outputResidual = consume(droppedDown, t -> at(qualify("output"), () -> Ops.add(t, attended)));
        }
        return consume(outputResidual, outputLayerNorm::forward);
    }

    public SelfAttention attention() {
        return attention;
    }

    void initialize(double std, SplittableRandom random) {
        attention.initialize(std, random);
        attentionOutput.initialize(std, random);
        attentionLayerNorm.initialize();
        intermediate.initialize(std, random);
        output.initialize(std, random);
        outputLayerNorm.initialize();
    }
}
