package dev.slimfit.model.vit;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Dropout;
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

    Tensor forward(Tensor x) {
        boolean training = isTraining();
        Tensor mid;
        try (Tensor normed = before.forward(x);
             Tensor context = attention.forward(normed, null);
             Tensor projected = attentionOutput.forward(context);
             Tensor dropped = hiddenDropout.forward(projected, training);
             Names.Entered n = Names.at(qualify("attention.output"))) {
            mid = Ops.add(dropped, x);
        }
        try (mid;
             Tensor normed = after.forward(mid);
             Tensor up = intermediate.forward(normed);
             Names.Entered n = Names.at(qualify("intermediate"));
             Tensor activated = Ops.gelu(up);
             Tensor down = output.forward(activated);
             Tensor dropped = hiddenDropout.forward(down, training);
             Names.Entered o = Names.at(qualify("output"))) {
            return Ops.add(dropped, mid);
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
