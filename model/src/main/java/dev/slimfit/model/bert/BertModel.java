package dev.slimfit.model.bert;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Names;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.model.nn.Dropout;
import dev.slimfit.model.nn.Linear;
import dev.slimfit.model.nn.Module;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The BERT encoder (Hugging Face {@code BertModel}): embeddings, {@code numHiddenLayers} post-LN layers and an
 * optional pooler ({@code pooler.dense} + tanh over the first token). Parameter names carry {@code prefix} (e.g.
 * {@code bert} inside a task model), exactly as in the Hugging Face checkpoints.
 */
public final class BertModel extends Module {

    /**
     * Added to the attention scores of padding positions; large enough that exp() underflows to 0 against any
     * realistic score, small enough to stay finite (Hugging Face uses the float minimum; both give 0 weight).
     */
    public static final float MASKED_SCORE = -1e9f;

    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();
    private final Linear pooler;
    private final RandomStream dropoutStream;

    /**
     * @param attentionDropoutOnValues apply attention dropout to V instead of the probabilities (see
     *     {@link dev.slimfit.model.nn.SelfAttention})
     */
    public BertModel(String prefix, Device device, BertConfig config, RandomStream dropoutStream, boolean withPooler,
                     boolean attentionDropoutOnValues) {
        super(prefix, device);
        this.config = config;
        this.dropoutStream = dropoutStream;
        Dropout hidden = new Dropout(config.hiddenDropoutProb(), dropoutStream);
        Dropout attention = new Dropout(config.attentionProbsDropoutProb(), dropoutStream);
        this.embeddings = child(new BertEmbeddings(qualify("embeddings"), device, config, hidden));
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(child(new BertLayer(qualify("encoder.layer." + i), device, config, hidden, attention,
                    attentionDropoutOnValues)));
        }
        this.pooler = withPooler ? child(new Linear(qualify("pooler.dense"), device, config.hiddenSize(),
                config.hiddenSize(), true)) : null;
    }

    public BertConfig config() {
        return config;
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    public List<BertLayer> layers() {
        return List.copyOf(layers);
    }

    public boolean hasPooler() {
        return pooler != null;
    }

    public RandomStream dropoutStream() {
        return dropoutStream;
    }

    /** The last hidden state [B, S, hidden]. */
    public Tensor forward(BertBatch batch) {
        Device device = device();
        if (batch.seq() > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("BertModel: sequence length " + batch.seq() + " exceeds "
                    + "max_position_embeddings " + config.maxPositionEmbeddings());
        }
        int[] positions = new int[batch.seq()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        float[] additive = new float[batch.batch() * batch.seq()];
        for (int i = 0; i < additive.length; i++) {
            additive[i] = batch.attentionMask()[i] != 0 ? 0f : MASKED_SCORE;
        }
        try (Names.Entered n = Names.at(name());
             Tensor ids = Tensor.ofInts(device, batch.inputIds(), batch.batch(), batch.seq());
             Tensor types = Tensor.ofInts(device, batch.tokenTypeIds(), batch.batch(), batch.seq());
             Tensor pos = Tensor.ofInts(device, positions, batch.seq());
             Tensor mask = Tensor.of(device, additive, batch.batch(), batch.seq())) {
            Tensor x = embeddings.forward(ids, types, pos);
            for (BertLayer layer : layers) {
                x = layer.forwardConsuming(x, mask);
            }
            return x;
        }
    }

    /** {@code tanh(pooler.dense(hidden[:, 0]))}, [B, hidden]. */
    public Tensor pool(Tensor hidden) {
        if (pooler == null) {
            throw new IllegalStateException("BertModel " + name() + " was built without a pooler");
        }
        int batch = hidden.dim(0);
        try (Names.Entered n = Names.at(qualify("pooler"));
             Tensor first = Ops.narrow(hidden, 1, 0, 1);
             Tensor cls = Ops.reshape(first, batch, config.hiddenSize());
             Tensor dense = pooler.forward(cls)) {
            return Ops.tanh(dense);
        }
    }

    /** Hugging Face's initialisation: normal(0, initializer_range) weights, zero biases, unit LayerNorm. */
    public void initialize(SplittableRandom random) {
        double std = config.initializerRange();
        embeddings.initialize(std, random);
        for (BertLayer layer : layers) {
            layer.initialize(std, random);
        }
        if (pooler != null) {
            pooler.initialize(std, random);
        }
    }
}
