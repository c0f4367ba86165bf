package dev.slimfit.engine.autograd;

/** The kinds of saved tensor that ops announce to a {@link SavePolicy}. */
public final class SaveKinds {

    /** The input of a Linear layer, needed only for its weight gradient. */
    public static final String LINEAR_INPUT = "linear.input";
    /** The input of GELU (its derivative is recomputed from it). */
    public static final String GELU_INPUT = "gelu.input";
    /** The output of tanh. */
    public static final String TANH_OUTPUT = "tanh.output";
    /** The output of softmax (for its own backward, and for the product with V in attention). */
    public static final String SOFTMAX_OUTPUT = "softmax.output";
    /** The input of LayerNorm (or its normalised form, if the policy compresses it). */
    public static final String LAYERNORM_INPUT = "layernorm.input";
    /** Attention queries, saved for the gradient of the keys. */
    public static final String ATTENTION_QUERY = "attention.query";
    /** Attention keys, saved for the gradient of the queries. */
    public static final String ATTENTION_KEY = "attention.key";
    /** Attention values, saved for the gradient of the probabilities. */
    public static final String ATTENTION_VALUE = "attention.value";
    /** Any other operand of a matrix product. */
    public static final String MATMUL_OPERAND = "matmul.operand";
    /** An operand of an elementwise product. */
    public static final String MUL_OPERAND = "mul.operand";
    /** Logits of a loss, or other inputs saved by losses. */
    public static final String LOSS_INPUT = "loss.input";

    private SaveKinds() {
    }
}
