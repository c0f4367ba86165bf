package dev.slimfit.train.compress;

import dev.slimfit.engine.autograd.Codec;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavePolicy;
import dev.slimfit.engine.autograd.SaveSite;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * SlimFit's activation-compression table (the reference), as a save policy of the engine:
 * <ul>
 *   <li>GELU input: int4, 1 fraction bit (step 0.5, range [−4, 3.5]);</li>
 *   <li>Q and K of QKᵀ, V of softmax·V: int8, 4 fraction bits; softmax output: uint8 (p·256);</li>
 *   <li>the FFN down-projection's input (the GELU output), kept only while that weight trains: int8, 4 bits;</li>
 *   <li>a frozen LayerNorm keeps the top 10% of x̂ per row (plus rstd, which the op always keeps exactly);
 *       a trainable LayerNorm keeps its float32 input;</li>
 *   <li>everything else (other Linear inputs while their weight trains, losses): float32.</li>
 * </ul>
 */
public final class ReferenceCompression implements SavePolicy {

    /** Fraction bits of the int8 fixed-point format. */
    public static final int INT8_FRACTION_BITS = 4;
    /** Fraction bits of the int4 fixed-point format. */
    public static final int INT4_FRACTION_BITS = 1;
    /** Share of x̂ a frozen LayerNorm keeps. */
    public static final double LAYERNORM_KEPT_FRACTION = 0.1;

    /** BERT's and ViT's FFN down-projection: {@code ...layer.N.output.dense} (not {@code attention.output.dense}). */
    public static final Predicate<String> BERT_VIT_FFN_DOWN =
            Pattern.compile("(^|\\.)layer\\.\\d+\\.output\\.dense$").asPredicate();

    private static final Codec INT8 = new Codec.FixedInt8(INT8_FRACTION_BITS);
    private static final Codec INT4 = new Codec.FixedInt4(INT4_FRACTION_BITS);
    private static final Codec UINT8 = new Codec.FixedUint8();
    private static final Codec TOP_K = new Codec.TopK(LAYERNORM_KEPT_FRACTION);

    private final Predicate<String> isFfnDownProjection;

    /** @param isFfnDownProjection recognises the module path of the FFN down-projection Linear */
    public ReferenceCompression(Predicate<String> isFfnDownProjection) {
        this.isFfnDownProjection = isFfnDownProjection;
    }

    @Override
    public Codec codecFor(SaveSite site) {
        return switch (site.kind()) {
            case SaveKinds.GELU_INPUT -> INT4;
            case SaveKinds.ATTENTION_QUERY, SaveKinds.ATTENTION_KEY, SaveKinds.ATTENTION_VALUE -> INT8;
            case SaveKinds.SOFTMAX_OUTPUT -> UINT8;
            case SaveKinds.LINEAR_INPUT -> isFfnDownProjection.test(site.module()) ? INT8 : Codec.NONE;
            case SaveKinds.LAYERNORM_INPUT -> site.parameterTrains() ? Codec.NONE : TOP_K;
            default -> Codec.NONE;
        };
    }
}
