package dev.slimfit.model.nn;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.ops.Ops;

/**
 * Multi-head self-attention with separate query, key and value projections (as in the Hugging Face BERT and ViT
 * checkpoints) and an optional additive padding mask. Returns the merged context [B, S, hidden]; the output
 * projection belongs to the caller's layer (its name and residual differ between BERT and ViT).
 *
 * <p>Q, K, V and the probabilities are announced to the save policy as {@link SaveKinds#ATTENTION_QUERY},
 * {@link SaveKinds#ATTENTION_KEY}, {@link SaveKinds#ATTENTION_VALUE} and {@link SaveKinds#SOFTMAX_OUTPUT}, so a
 * policy can store them compressed. Attention dropout applies to the probabilities (Hugging Face) or, when
 * {@code dropoutOnValues}, to V — then the probabilities that the product with V keeps are the softmax output
 * itself and are stored once.
 */
public final class SelfAttention extends Module {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final int heads;
    private final int headDim;
    private final Dropout dropout;
    private final boolean dropoutOnValues;

    /**
     * @param name the module holding {@code query}, {@code key} and {@code value}, e.g.
     *     {@code encoder.layer.0.attention.self} (BERT) or {@code encoder.layer.0.attention.attention} (ViT)
     */
    public SelfAttention(String name, Device device, int hidden, int heads, Dropout dropout,
                         boolean dropoutOnValues) {
        super(name, device);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(name + ": hidden size " + hidden + " is not a multiple of the "
                    + heads + " attention heads");
        }
        this.heads = heads;
        this.headDim = hidden / heads;
        this.query = child(new Linear(qualify("query"), device, hidden, hidden, true));
        this.key = child(new Linear(qualify("key"), device, hidden, hidden, true));
        this.value = child(new Linear(qualify("value"), device, hidden, hidden, true));
        this.dropout = dropout;
        this.dropoutOnValues = dropoutOnValues;
    }

    public Linear query() {
        return query;
    }

    public Linear key() {
        return key;
    }

    public Linear value() {
        return value;
    }

    /**
     * @param x [B, S, hidden]
     * @param additiveMask [B, S] added to every query row's scores (0 to attend, a large negative to ignore), or null
     */
    public Tensor forward(Tensor x, Tensor additiveMask) {
        int batch = x.dim(0);
        int seq = x.dim(1);
        int hidden = heads * headDim;
        boolean training = isTraining();
        try (Names.Entered n = Names.at(name())) {
            Tensor q = splitHeads(query.forward(x), batch, seq, false);
            Tensor scores;
            try (q; Tensor kT = splitHeads(key.forward(x), batch, seq, true)) {
                scores = Ops.matmul(q, kT, SaveKinds.ATTENTION_QUERY, SaveKinds.ATTENTION_KEY);
            }
            Tensor probs = Ops.softmaxConsuming(scores, (float) (1 / Math.sqrt(headDim)), additiveMask, heads * seq);
            Tensor kept = dropoutOnValues ? probs : dropout.forwardConsuming(probs, training);
            Tensor context;
            Tensor projectedValues = value.forward(x);
            Tensor keptValues = dropoutOnValues ? dropout.forwardConsuming(projectedValues, training) : projectedValues;
            try (kept) {
                // the context may take V's buffer (when V is saved encoded), in V's [B, S, H, d] order
                context = Ops.matmulConsumingRight(kept, splitHeads(keptValues, batch, seq, false),
                        probabilitiesKind(), SaveKinds.ATTENTION_VALUE);
            }
            Tensor merged = Intermediates.consume(context, c -> Ops.permute(c, 0, 2, 1, 3));
            return Intermediates.consume(merged, m -> Ops.reshape(m, batch, seq, hidden));
        }
    }

    /**
     * What the product with V keeps of the probabilities: the softmax output itself (shared with the softmax's own
     * save), unless dropout on the probabilities made them a different tensor with values above 1.
     */
    private String probabilitiesKind() {
        boolean droppedProbabilities = !dropoutOnValues && isTraining() && dropout.probability() > 0;
        return droppedProbabilities ? SaveKinds.MATMUL_OPERAND : SaveKinds.SOFTMAX_OUTPUT;
    }

    /** [B, S, H·d] → [B, H, S, d] (or [B, H, d, S] when {@code transposed}), as views. */
    private Tensor splitHeads(Tensor projected, int batch, int seq, boolean transposed) {
        try (projected; Tensor split = Ops.reshape(projected, batch, seq, heads, headDim)) {
            return transposed ? Ops.permute(split, 0, 2, 3, 1) : Ops.permute(split, 0, 2, 1, 3);
        }
    }

    public void initialize(double std, java.util.SplittableRandom random) {
        query.initialize(std, random);
        key.initialize(std, random);
        value.initialize(std, random);
    }
}
