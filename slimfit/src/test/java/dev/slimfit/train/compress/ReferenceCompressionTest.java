package dev.slimfit.train.compress;

import dev.slimfit.engine.autograd.Codec;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SaveSite;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reference table, site by site, with real module paths of BERT and ViT. */
class ReferenceCompressionTest {

    private final ReferenceCompression policy = new ReferenceCompression(ReferenceCompression.BERT_VIT_FFN_DOWN);

    @Test
    void staticActivationsAreCompressedAndOnlyTheFfnDownInputAmongLinearInputs() {
        assertEquals(new Codec.FixedInt4(1), policy.codecFor(site(SaveKinds.GELU_INPUT,
                "bert.encoder.layer.3.intermediate", false)));
        assertEquals(new Codec.FixedInt8(4), policy.codecFor(site(SaveKinds.ATTENTION_QUERY,
                "bert.encoder.layer.3.attention.self", false)));
        assertEquals(new Codec.FixedUint8(), policy.codecFor(site(SaveKinds.SOFTMAX_OUTPUT,
                "vit.encoder.layer.0.attention.attention", false)));
        assertEquals(new Codec.FixedInt8(4), policy.codecFor(site(SaveKinds.LINEAR_INPUT,
                "bert.encoder.layer.11.output.dense", true)));
        assertEquals(new Codec.FixedInt8(4), policy.codecFor(site(SaveKinds.LINEAR_INPUT,
                "encoder.layer.0.output.dense", true)));
        assertEquals(Codec.NONE, policy.codecFor(site(SaveKinds.LINEAR_INPUT,
                "bert.encoder.layer.3.attention.output.dense", true)));
        assertEquals(Codec.NONE, policy.codecFor(site(SaveKinds.LINEAR_INPUT,
                "bert.encoder.layer.3.intermediate.dense", true)));
        assertEquals(new Codec.TopK(0.1), policy.codecFor(site(SaveKinds.LAYERNORM_INPUT,
                "bert.encoder.layer.3.output.LayerNorm", false)));
        assertEquals(Codec.NONE, policy.codecFor(site(SaveKinds.LAYERNORM_INPUT,
                "bert.encoder.layer.3.output.LayerNorm", true)));
        assertEquals(Codec.NONE, policy.codecFor(site(SaveKinds.LOSS_INPUT, "loss", false)));
    }

    private static SaveSite site(String kind, String module, boolean trains) {
        return new SaveSite(kind, module, trains);
    }
}
